"""Find the modules of a package from its files, without importing anything.

Shared by the import policy and the import-time I/O check: both are given a source root (`src`) and a
dotted package name (`autopack.executor`) and need every module of that package, subpackages included,
with the file that defines it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class PackageNotFound(Exception):
    """The package named on the command line has no folder or module file under the source root."""


@dataclass(frozen=True)
class ModuleFile:
    """A module of the package: its dotted name and its source file."""

    name: str
    path: Path

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def package_location(src: Path, package: str) -> Path:
    """Return the folder (or single module file) of PACKAGE under SRC, or raise PackageNotFound."""
    parts = package.split(".")
    if not package or not all(part.isidentifier() for part in parts):
        raise PackageNotFound(
            f"{package!r} is not a dotted module name: pass something like 'autopack.executor'"
        )
    folder = src.joinpath(*parts)
    if folder.is_dir():
        return folder
    module = folder.with_suffix(".py")
    if module.is_file():
        return module
    raise PackageNotFound(
        f"package {package!r} not found: neither {str(folder)!r} nor {str(module)!r} exists; "
        "pass the right --src root or --package name"
    )


def module_files(src: Path, package: str) -> list[ModuleFile]:
    """Every module of PACKAGE under SRC (the package itself first), sorted by dotted name."""
    location = package_location(src, package)
    if location.is_file():
        return [ModuleFile(package, location)]
    found = []
    for path in location.rglob("*.py"):
        relative = path.relative_to(src).with_suffix("")
        if "__pycache__" in relative.parts or not all(p.isidentifier() for p in relative.parts):
            continue
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        found.append(ModuleFile(".".join(parts), path))
    return sorted(found, key=lambda module: module.name)
