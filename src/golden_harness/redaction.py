"""Secret redaction by name and by value shape: the one implementation the harness and its users share.

Goldens, harvested scenarios and the ``golden`` commands' output go through these functions, and so
can any program that writes text other people read (CI output, logs, database rows). Importing this
module imports the standard library only: not pytest, nor anything else of the harness.

Two judgements, both documented with their table of cases in ``docs/harness.md`` ("Secrets"):

- By name (:func:`is_secret_name`): a key, keyword, flag or environment variable whose last word
  says it holds a secret (``PGPASSWORD``, ``DB_PASS``, ``MYSQL_PWD``, ``GITHUB_TOKEN``, ``SENTRY_DSN``,
  ``api_key``, ``Authorization``), but not the shell's folders ``PWD`` and ``OLDPWD``, nor
  ``max_tokens``, ``cache_key`` or ``PASSWD_FILE``.
- By value, in any text (:meth:`Redactor.text`), in this order: the values of secret-named
  environment variables (and the URL passwords of every variable); PEM private key blocks; URL
  passwords (``postgres://user:<redacted>@host``) and DSN keys; ``NAME=value`` / ``NAME: value`` /
  ``"NAME": "value"`` where ``NAME`` is a secret name; ``Bearer``/``Basic``/``token`` credentials;
  and the shapes of common credentials (cloud provider access keys, GitHub, GitLab, Stripe, OpenAI,
  Anthropic, Slack, Google, SendGrid, npm, PyPI, Hugging Face tokens, JWTs).

Every secret becomes :data:`REDACTED`; the text around it stays, so a redacted line still reads.
Redaction is idempotent: redacting redacted text changes nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, TypeVar

__all__ = [
    "REDACTED",
    "Redactor",
    "is_redactable",
    "is_secret_name",
    "redact_argv",
    "redact_environ",
    "redact_flag_values",
    "redact_text",
    "redact_value",
]

REDACTED: Final = "<redacted>"

_T = TypeVar("_T")

# A name is split into words at non-alphanumerics and at lower-to-upper case changes.
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
# Last words that make a name secret.
_SECRET_WORDS = frozenset(
    {
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "credential",
        "credentials",
        "apikey",
        "accesskey",
        "secretkey",
        "privatekey",
        "authorization",
        "auth",
        "dsn",
    }
)
# One-word names ending so are secret too (``PGPASSWORD``); ``pwd`` is left out (``OLDPWD``).
_SECRET_ENDINGS = ("password", "passwd", "passphrase", "secret", "token")
# ``key`` is a secret after these words (``api_key``, ``AWS_SECRET_ACCESS_KEY``), or as the last word
# of an environment-style name (``STRIPE_KEY``); ``cache_key`` or ``sort_key`` are not.
_KEY_QUALIFIERS = frozenset(
    {
        "api",
        "access",
        "private",
        "secret",
        "auth",
        "signing",
        "encryption",
        "master",
        "client",
        "account",
        "service",
        "session",
        "ssh",
        "license",
        "deploy",
        "webhook",
        "consumer",
    }
)
# The shell's current and previous folder: paths, not passwords.
_NOT_SECRET = frozenset({"pwd", "oldpwd"})
_ENVIRONMENT_STYLE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")

# The shortest value of a secret-named variable that is looked for in text: shorter values
# ("1", "yes", "dev") would replace ordinary words everywhere.
MIN_SECRET_VALUE_LENGTH: Final = 6

_PEM_PRIVATE_KEY = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY((?: BLOCK)?)-----.*?(?:-----END \1PRIVATE KEY\2-----|\Z)",
    re.DOTALL,
)
_URL_CREDENTIALS = re.compile(
    r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)"
    r"(?P<user>[^\s:/?#@'\"<>]*)"
    r"(?::(?P<password>[^\s/?#'\"<>]*))?@"
)
# A DSN's key in the user part of a URL (``https://<32 hex>@o1.ingest.sentry.io/2``).
_DSN_KEY = re.compile(r"[0-9a-f]{32}")
_ASSIGNMENT = re.compile(
    r"(?<![A-Za-z0-9_.])(?P<quote>[\"']?)(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*+)(?P=quote)"
    r"(?P<sep>[ \t]*[=:][ \t]*)"
    r"(?>(?P<scheme>(?:Bearer|Basic|Token|Digest)[ \t]+)?)"
    r"(?:(?P<prefix>b?)(?P<open>[\"'])(?P<quoted>[^\"'\n]*)(?P=open)"
    r"|(?P<bare>[^\s\"',;&<>()\[\]{}]++)(?!\())"
)
# Values that say there is no secret (``password=None``, ``"token": null``).
_LITERALS = frozenset({"None", "null", "nil", "undefined", "True", "False", "true", "false"})
_AUTH_SCHEME = re.compile(r"(?i)\b(bearer|basic|token)[ \t]+[A-Za-z0-9._~+/\-]{12,}=*")
_BOUNDARY = r"(?<![A-Za-z0-9_])"
_TOKEN_SHAPES = re.compile(
    _BOUNDARY
    + r"(?:"
    + "|".join(
        (
            r"sk-[A-Za-z0-9_\-]{16,}",  # OpenAI, Anthropic
            r"[sr]k_(?:live|test)_[A-Za-z0-9]{16,}",  # Stripe secret and restricted keys
            r"whsec_[A-Za-z0-9]{24,}",  # Stripe webhook signing secret
            r"gh[pousr]_[A-Za-z0-9]{20,}",  # GitHub tokens
            r"github_pat_[A-Za-z0-9_]{20,}",  # GitHub fine-grained tokens
            r"gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-[A-Za-z0-9_\-]{20,}",  # GitLab
            r"xox[abposr]-[A-Za-z0-9\-]{10,}",  # Slack tokens
            r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])",  # AWS access keys
            r"AIza[0-9A-Za-z_\-]{35}",  # Google API keys
            r"GOCSPX-[A-Za-z0-9_\-]{28}",  # Google OAuth client secrets
            r"ya29\.[0-9A-Za-z_\-]{20,}",  # Google OAuth access tokens
            r"eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",  # JWTs
            r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}",  # SendGrid
            r"npm_[A-Za-z0-9]{36}",  # npm
            r"pypi-AgE[A-Za-z0-9_\-]{50,}",  # PyPI
            r"hf_[A-Za-z0-9]{34}",  # Hugging Face
            r"SK[0-9a-f]{32}(?![0-9a-f])",  # Twilio API keys
        )
    )
    + r")"
)
_SLACK_WEBHOOK = re.compile(r"(https://hooks\.slack\.com/services/)[A-Za-z0-9_/]+")


def is_secret_name(name: str) -> bool:
    """Whether a key, keyword, flag or environment variable called ``name`` holds a secret.

    The decision looks at the last word of the name: ``GITHUB_TOKEN``, ``api_key``,
    ``accessToken``, ``DB_PASS``, ``MYSQL_PWD``, ``PGPASSWORD``, ``SENTRY_DSN``, ``--password`` are
    secrets; ``max_tokens``, ``token_budget``, ``cache_key``, ``PASSWD_FILE``, ``GIT_ASKPASS`` are
    not. ``PWD`` and ``OLDPWD`` are the shell's folders, not passwords, and a lower-case ``pass``
    alone is the English word (``make the tests pass: ...``). ``key`` alone is not a
    secret, nor a lower-case ``*_key`` other than ``api_key``, ``secret_key``, ``private_key`` and
    the like; an environment-style ``STRIPE_KEY`` is.
    """
    words = [word.lower() for word in _WORD_SPLIT.split(name) if word]
    if not words or (len(words) == 1 and words[0] in _NOT_SECRET):
        return False
    if name == "pass":  # the English word ("make the tests pass: ..."); PASS, DB_PASS, --pass are
        return False
    last = words[-1]
    if last in _SECRET_WORDS or last.endswith(_SECRET_ENDINGS):
        return True
    if last == "key" and len(words) >= 2:
        return words[-2] in _KEY_QUALIFIERS or bool(_ENVIRONMENT_STYLE.fullmatch(name.strip("-")))
    return False


def is_redactable(value: object) -> bool:
    """Whether ``value``, found under a secret name, is replaced by :data:`REDACTED`.

    Text, bytes and numbers are (a PIN, a port-less numeric token); ``None``, booleans, empty
    values and containers are kept, so ``password=None`` and ``use_token=True`` still show what the
    code did. A tuple or list of text (``auth=("user", "secret")``) is redacted whole.
    """
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (str, bytes, int, float)):
        return bool(value)
    if isinstance(value, (tuple, list)):
        return bool(value) and all(isinstance(item, (str, bytes)) for item in value)
    return False


def _url_passwords(text: str) -> list[str]:
    return [m.group("password") for m in _URL_CREDENTIALS.finditer(text) if m.group("password")]


def secret_values(environ: Mapping[str, str]) -> list[str]:
    """The values to look for in text: those of secret-named variables of ``environ``, and the
    passwords of URLs in any variable, longest first (shorter than
    :data:`MIN_SECRET_VALUE_LENGTH` characters left out)."""
    values: set[str] = set()
    for name, value in environ.items():
        if not isinstance(value, str):
            continue
        if is_secret_name(name):
            values.add(value)
        values.update(_url_passwords(value))
    usable = (v for v in values if len(v) >= MIN_SECRET_VALUE_LENGTH and v != REDACTED)
    return sorted(usable, key=lambda v: (-len(v), v))


class Redactor:
    """Redacts text, environments, argument lists and plain data.

    ``environ`` (default: ``os.environ`` when the redactor is made) gives the secret values to
    look for in text (see :func:`secret_values`); ``values`` adds more. Make one per run or
    scenario and reuse it: it compiles the values once.
    """

    def __init__(
        self, environ: Mapping[str, str] | None = None, *, values: Iterable[str] = ()
    ) -> None:
        known = set(secret_values(os.environ if environ is None else environ))
        known.update(v for v in values if len(v) >= MIN_SECRET_VALUE_LENGTH and v != REDACTED)
        ordered = sorted(known, key=lambda v: (-len(v), v))
        self._values: re.Pattern[str] | None = (
            re.compile("|".join(map(re.escape, ordered))) if ordered else None
        )

    def text(self, text: str) -> str:
        """``text`` with every secret value replaced by :data:`REDACTED`."""
        if self._values is not None:
            text = self._values.sub(REDACTED, text)
        if "PRIVATE KEY" in text:
            text = _PEM_PRIVATE_KEY.sub(REDACTED, text)
        if "://" in text:
            text = _URL_CREDENTIALS.sub(_redact_url, text)
            text = _SLACK_WEBHOOK.sub(lambda m: m.group(1) + REDACTED, text)
        if "=" in text or ":" in text:
            text = _ASSIGNMENT.sub(_redact_assignment, text)
        text = _AUTH_SCHEME.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
        return _TOKEN_SHAPES.sub(REDACTED, text)

    def environ(self, environ: Mapping[str, str]) -> dict[str, str]:
        """A copy of ``environ``: values of secret-named variables replaced by :data:`REDACTED`,
        the others redacted as text (``DATABASE_URL`` keeps all but its password)."""
        return {
            name: REDACTED if is_secret_name(name) and value else self.text(value)
            for name, value in environ.items()
        }

    def argv(self, argv: Iterable[str]) -> list[str]:
        """``argv`` with the value after each secret-named flag replaced (see
        :func:`redact_flag_values`) and every other item redacted as text."""
        return [
            item if item == REDACTED else self.text(item) for item in redact_flag_values(list(argv))
        ]

    def value(self, value: object) -> object:
        """Plain data (``dict``, ``list``, ``tuple``, ``str`` at any depth) redacted: values under
        secret-named keys (see :func:`is_redactable`) and every string. Other values are returned
        as they are; containers are copied, never changed in place."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {
                key: REDACTED
                if isinstance(key, str) and is_secret_name(key) and is_redactable(item)
                else self.value(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self.value(item) for item in value)
        return value


def _redact_url(match: re.Match[str]) -> str:
    user, password = match.group("user"), match.group("password")
    if password:
        return f"{match.group('scheme')}{user}:{REDACTED}@"
    if _DSN_KEY.fullmatch(user):
        return f"{match.group('scheme')}{REDACTED}@"
    return match.group(0)


def _redact_assignment(match: re.Match[str]) -> str:
    if not is_secret_name(match.group("name")):
        return match.group(0)
    group = "quoted" if match.group("bare") is None else "bare"
    value = match.group(group)
    if not value or value == REDACTED or value in _LITERALS:
        return match.group(0)
    start, end = match.span(group)
    whole = match.group(0)
    base = match.start()
    return whole[: start - base] + REDACTED + whole[end - base :]


def redact_flag_values(argv: Sequence[_T]) -> list[_T | str]:
    """``argv`` with the item after each secret-named flag (``--password VALUE``, ``-token VALUE``)
    replaced by :data:`REDACTED`; the other items are returned as they are (``--token=VALUE`` is
    text, for :meth:`Redactor.text`)."""
    out: list[_T | str] = []
    secret_next = False
    for item in argv:
        is_flag = isinstance(item, str) and item.startswith("-")
        if secret_next and not is_flag and item not in ("", None):
            out.append(REDACTED)
            secret_next = False
            continue
        secret_next = is_flag and "=" not in str(item) and is_secret_name(str(item))
        out.append(item)
    return out


def redact_text(text: str, *, environ: Mapping[str, str] | None = None) -> str:
    """``text`` with its secrets replaced by :data:`REDACTED`: see :meth:`Redactor.text`.

    ``environ`` (default ``os.environ``) gives the secret values to look for. To redact many
    strings, make one :class:`Redactor` and call its ``text``.
    """
    return Redactor(environ).text(text)


def redact_environ(
    environ: Mapping[str, str], *, known: Mapping[str, str] | None = None
) -> dict[str, str]:
    """A copy of ``environ`` with secret-named values replaced and the others redacted as text.

    The secret values looked for in the other values come from ``environ`` itself and from
    ``known`` (default ``os.environ``)."""
    redactor = Redactor({**(os.environ if known is None else known), **environ})
    return redactor.environ(environ)


def redact_argv(argv: Iterable[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    """``argv`` redacted: see :meth:`Redactor.argv`."""
    return Redactor(environ).argv(argv)


def redact_value(value: object, *, environ: Mapping[str, str] | None = None) -> object:
    """Plain data (a database row as a ``dict``, a JSON document) redacted: see
    :meth:`Redactor.value`."""
    return Redactor(environ).value(value)
