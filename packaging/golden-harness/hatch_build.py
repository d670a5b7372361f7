"""Build hook of the golden-harness distribution: the Python it needs, said plainly.

`requires-python` alone is not enough for a local install: pip 23 (the one a Python 3.10
`venv` ships) ignores it for a folder or a wheel file and stops later on a dependency that
needs Python 3.11 ("No matching distribution found for syrupy"), which names neither Python
nor the requirement. So this hook:

- refuses an interpreter outside `requires-python` in `dependencies()`, which hatchling calls
  when a front end asks for the build requirements (`get_requires_for_build_wheel`), the first
  thing pip, `python -m build` and others do with a source folder; and again before building.
  The refusal is one line (a `SystemExit`, so no traceback), naming the requirement, the
  interpreter, and the fix;
- tags the wheel `py3X-none-any`, X the lowest minor version `requires-python` allows, so
  that installing the wheel file on an older Python fails with pip's "... is not a supported
  wheel on this platform" whatever pip's version, before any dependency is looked at.
"""

from __future__ import annotations

import platform
import sys
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from packaging.specifiers import SpecifierSet
from packaging.version import Version


def lowest_python(requires_python: str) -> tuple[int, int] | None:
    """``(3, 11)`` for ``>=3.11`` (also ``~=3.11``, ``>=3.11,<4``); None without a lower bound."""
    for spec in SpecifierSet(requires_python):
        if spec.operator in (">=", "~="):
            major, minor = (*Version(spec.version).release, 0)[:2]
            return major, minor
    return None


def interpreter_problem(requires_python: str, version: str, executable: str) -> str | None:
    """The one-line refusal when Python ``version`` is outside ``requires_python``, else None."""
    if not requires_python or Version(version) in SpecifierSet(requires_python):
        return None
    lowest = lowest_python(requires_python)
    python = f"python{lowest[0]}.{lowest[1]}" if lowest else "python3"
    return (
        f"golden-harness requires Python {requires_python}, and this is Python {version} "
        f"({executable}): make the virtual environment with a Python that satisfies it, for "
        f"example `{python} -m venv .venv`, and install golden-harness there."
    )


class PythonRequirementHook(BuildHookInterface):
    """Refuses an interpreter outside `requires-python`; tags the wheel with its lower bound."""

    PLUGIN_NAME = "python-requirement"

    def _requires_python(self) -> str:
        return str(self.metadata.core.requires_python or "")

    def _refuse_older_python(self) -> None:
        problem = interpreter_problem(
            self._requires_python(), platform.python_version(), sys.executable
        )
        if problem is not None:
            raise SystemExit(problem)

    def dependencies(self) -> list[str]:
        self._refuse_older_python()
        return []

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._refuse_older_python()
        lowest = lowest_python(self._requires_python())
        if self.target_name == "wheel" and version == "standard" and lowest is not None:
            build_data["tag"] = f"py{lowest[0]}{lowest[1]}-none-any"
