"""Normalizers: rewrite text so that a trace does not depend on the machine, the run or secrets.

A :class:`Normalizer` is applied to every string recorded in a trace (arguments, log messages,
subprocess output, file contents). In order, it replaces:

1. user normalizers (:func:`register_normalizer` globally, or per scenario);
2. known secret values (values of secret-named environment variables) and known token shapes
   (``sk-...``, ``ghp_...``, ``AKIA...``, JWTs, ``Bearer ...``) with ``<redacted>``;
3. paths: the scenario workspace (``<workspace>``), the test's temporary folder and the
   system temporary folder (``<tmp>``), the repository root (``<repo>``), the home folder
   (``<home>``), longest first, and only where the path ends (``/home/ada`` is not replaced
   inside ``/home/adam``);
4. memory addresses (``0x7f3a...`` becomes ``0x<addr>``);
5. UUIDs, numbered by first appearance in the trace (``<uuid-1>``, ``<uuid-2>``, ...), so equal
   UUIDs stay equal and distinct ones stay distinct.

Keys whose names look like secrets (``api_key``, ``GITHUB_TOKEN``, ``password``; see
:func:`is_secret_name`) have their values replaced by ``<redacted>`` by the serializer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping

__all__ = [
    "REDACTED",
    "Normalizer",
    "is_secret_name",
    "normalize_timestamps",
    "register_normalizer",
    "registered_normalizers",
]

REDACTED = "<redacted>"

TextNormalizer = Callable[[str], str]

_GLOBAL_NORMALIZERS: list[TextNormalizer] = []

_SECRET_LAST_SEGMENTS = frozenset(
    {
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "credential",
        "credentials",
        "apikey",
        "authorization",
    }
)
_SECRET_LAST_PAIRS = frozenset(
    {("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"), ("auth", "key")}
)
_SEGMENT_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")

_TOKEN_SHAPES = re.compile(
    r"sk-[A-Za-z0-9_\-]{16,}"
    r"|gh[pousr]_[A-Za-z0-9]{20,}"
    r"|github_pat_[A-Za-z0-9_]{20,}"
    r"|xox[abprs]-[A-Za-z0-9\-]{10,}"
    r"|AKIA[0-9A-Z]{16}"
    r"|AIza[0-9A-Za-z_\-]{35}"
    r"|eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"
)
_BEARER = re.compile(r"(?i)\b(bearer|token)\s+[A-Za-z0-9._~+/\-]{12,}=*")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{8,16}\b")
_UUID = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)

_MIN_SECRET_VALUE_LENGTH = 6
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


def is_secret_name(name: str) -> bool:
    """Whether a key, keyword or environment variable called ``name`` holds a secret.

    The decision looks at the last word of the name only, so ``GITHUB_TOKEN``, ``api_key``,
    ``accessToken``, ``db_password`` and ``MYSQL_PWD`` are secrets while ``max_tokens``,
    ``token_budget``, ``cache_key`` and ``PASSWD_FILE`` are not. ``PWD`` alone is the shell's
    current directory, not a password.
    """
    segments = [s.lower() for s in _SEGMENT_SPLIT.split(name) if s]
    if not segments or segments == ["pwd"]:
        return False
    if segments[-1] in _SECRET_LAST_SEGMENTS:
        return True
    return len(segments) >= 2 and (segments[-2], segments[-1]) in _SECRET_LAST_PAIRS


def _secret_env_values(environ: Mapping[str, str]) -> list[str]:
    values = {
        value
        for name, value in environ.items()
        if is_secret_name(name) and len(value) >= _MIN_SECRET_VALUE_LENGTH
    }
    return sorted(values, key=len, reverse=True)


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
        self._secrets = _secret_env_values(os.environ if environ is None else environ)
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
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
        value = _TOKEN_SHAPES.sub(REDACTED, value)
        value = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", value)
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
