"""Normalizers: rewrite text so that a trace does not depend on the machine, the run or secrets.

A :class:`Normalizer` is applied to every string recorded in a trace (arguments, log messages,
subprocess output, file contents). In order, it replaces:

1. user normalizers (:func:`register_normalizer` globally, or per scenario);
2. secrets, by :class:`golden_harness.redaction.Redactor`: values of secret-named environment
   variables, URL passwords, PEM private keys, ``NAME=value`` with a secret name, and the shapes
   of known credentials, each with ``<redacted>``;
3. paths: the scenario workspace (``<workspace>``), the test's temporary folder and the
   system temporary folder (``<tmp>``), the repository root (``<repo>``), the home folder
   (``<home>``), longest first, and only where the path ends (``/home/ada`` is not replaced
   inside ``/home/adam``);
4. memory addresses (``0x7f3a...`` becomes ``0x<addr>``);
5. UUIDs, numbered by first appearance in the trace (``<uuid-1>``, ``<uuid-2>``, ...), so equal
   UUIDs stay equal and distinct ones stay distinct.

Keys whose names look like secrets (``api_key``, ``GITHUB_TOKEN``, ``password``; see
:func:`golden_harness.redaction.is_secret_name`) have their values replaced by ``<redacted>`` by
the serializer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping

from golden_harness.redaction import REDACTED, Redactor, is_secret_name

__all__ = [
    "REDACTED",
    "Normalizer",
    "is_secret_name",
    "normalize_timestamps",
    "register_normalizer",
    "registered_normalizers",
]

TextNormalizer = Callable[[str], str]

_GLOBAL_NORMALIZERS: list[TextNormalizer] = []

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{8,16}\b")
_UUID = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)

_ISO_TIMESTAMP = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?(?![\d.:])"
)


def normalize_timestamps(text: str) -> str:
    """Replace ISO-8601 timestamps by ``<timestamp>``: a ready-made, opt-in normalizer.

    For times that frozen time does not control (file modification times, values read from a
    real database). Opt in per scenario with ``golden.normalize(normalize_timestamps)`` or for all
    with ``register_normalizer(normalize_timestamps)``; frozen times are better left readable.
    """
    return _ISO_TIMESTAMP.sub("<timestamp>", text)


def register_normalizer(normalizer: TextNormalizer) -> TextNormalizer:
    """Add ``normalizer`` (``str -> str``) to every trace recorded from now on.

    Returns it unchanged, so it can be used as a decorator in a ``conftest.py``.
    """
    if not callable(normalizer):
        raise TypeError(
            f"register_normalizer() takes a callable str -> str, got {normalizer!r}. "
            f"Pass a function such as `lambda text: text.replace('prod-db', '<db>')`."
        )
    _GLOBAL_NORMALIZERS.append(normalizer)
    return normalizer


def registered_normalizers() -> tuple[TextNormalizer, ...]:
    """The normalizers added with :func:`register_normalizer`, in registration order."""
    return tuple(_GLOBAL_NORMALIZERS)


class Normalizer:
    """Rewrites recorded text; one instance per scenario (it numbers the UUIDs it has seen).

    ``number_uuids=False`` keeps UUIDs as they are and ``registered=False`` leaves out the
    normalizers of :func:`register_normalizer` (harvested scenarios hold strings as data)."""

    def __init__(
        self,
        *,
        paths: Iterable[tuple[str | os.PathLike[str], str]] = (),
        extra: Iterable[TextNormalizer] = (),
        environ: Mapping[str, str] | None = None,
        number_uuids: bool = True,
        registered: bool = True,
    ) -> None:
        self._number_uuids = number_uuids
        shared = registered_normalizers() if registered else ()
        self._custom: list[TextNormalizer] = [*shared, *extra]
        self._redactor = Redactor(environ)
        self._paths: list[tuple[str, str, re.Pattern[str]]] = []
        for path, placeholder in paths:
            self.add_path(path, placeholder)
        self._uuids: dict[str, str] = {}

    def add_path(self, path: str | os.PathLike[str], placeholder: str) -> None:
        """Replace ``path`` (and its resolved form) by ``placeholder`` wherever it appears."""
        raw = os.fspath(path)
        if not raw or raw == os.sep:
            return
        for variant in {raw.rstrip(os.sep), os.path.realpath(raw).rstrip(os.sep)}:
            if variant and all(variant != known for known, _, _ in self._paths):
                pattern = re.compile(re.escape(variant) + r"(?![\w.\-])")
                self._paths.append((variant, placeholder, pattern))
        self._paths.sort(key=lambda item: len(item[0]), reverse=True)

    def add(self, normalizer: TextNormalizer) -> None:
        """Apply ``normalizer`` (``str -> str``) after the registered ones."""
        self._custom.append(normalizer)

    def text(self, value: str) -> str:
        """Return ``value`` with every normalization applied."""
        for custom in self._custom:
            value = custom(value)
        value = self._redactor.text(value)
        for path, placeholder, pattern in self._paths:
            if path in value:
                value = pattern.sub(placeholder, value)
        value = _ADDRESS.sub("0x<addr>", value)
        return _UUID.sub(self._number_uuid, value) if self._number_uuids else value

    def _number_uuid(self, match: re.Match[str]) -> str:
        key = match.group(0).lower()
        if key not in self._uuids:
            self._uuids[key] = f"<uuid-{len(self._uuids) + 1}>"
        return self._uuids[key]
