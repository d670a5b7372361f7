"""What ``check-move`` finds, as data: one verdict per added function, class and module-level
value, the wrappers and aliases left behind, what was removed and is nowhere now, and the
checks around the move. :attr:`CheckMoveResult.ok` is the exit verdict."""

from __future__ import annotations

from dataclasses import dataclass, field

from golden_harness.moves._move_ast import Function
from golden_harness.moves._wrappers import Wrapper

__all__ = [
    "AliasReport",
    "AttributeWarning",
    "CheckMoveResult",
    "ClassVerdict",
    "Definition",
    "MoveVerdict",
    "Removed",
    "UndefinedName",
    "ValueVerdict",
    "WrapperReport",
]

NO_SIMILAR_BODY = "no removed or wrapped function has a similar body"


@dataclass(frozen=True)
class Definition:
    """A class or module-level value of one file: ``kind`` is ``class``, ``value``
    or ``function``."""

    path: str
    module: str
    qualname: str
    line: int
    kind: str

    @property
    def full_name(self) -> str:
        return f"{self.module}.{self.qualname}"

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class MoveVerdict:
    """An added function, its counterpart at REV (None when none was found), and what differs.
    Without a counterpart, ``closest`` is the most similar removed function when one is alike
    enough to be worth reading, and ``closest_differences`` how it differs."""

    added: Function
    counterpart: Function | None
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    why_none: str = NO_SIMILAR_BODY
    closest: Function | None = None
    closest_differences: list[str] = field(default_factory=list)

    @property
    def pure(self) -> bool:
        return self.counterpart is not None and not self.differences

    @property
    def renamed(self) -> bool:
        """True when the function's name differs from its counterpart's."""
        return self.counterpart is not None and self.counterpart.name != self.added.name


@dataclass
class ClassVerdict:
    """An added class and the class it was moved from (None when none), compared whole:
    header, body statements (class attributes, enum members, dataclass fields), the set of its
    methods and nested classes."""

    added: Definition
    counterpart: Definition | None
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def pure(self) -> bool:
        return self.counterpart is not None and not self.differences


@dataclass
class ValueVerdict:
    """An added module-level value (``RETRIES = 2``) and the one it was moved or copied from
    (None when none)."""

    added: Definition
    counterpart: Definition | None
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def pure(self) -> bool:
        return self.counterpart is not None and not self.differences


@dataclass(frozen=True)
class Removed:
    """A function, class or module-level value defined at REV that is nowhere now: not moved,
    not a wrapper's, not an alias's."""

    definition: Definition
    why: str


@dataclass(frozen=True)
class WrapperReport:
    """A function or method that became a thin wrapper since REV. ``problems`` are the
    arguments that do not reach the delegate's parameter of the same name, and what the
    delegation loses (checked when the delegate is an added function)."""

    function: Function
    wrapper: Wrapper
    delegates_to: str
    problems: tuple[str, ...] = ()

    @property
    def passes_on(self) -> bool:
        """True when every parameter is passed on unchanged to the parameter of its name."""
        return self.wrapper.same_arguments and not self.problems


@dataclass(frozen=True)
class AliasReport:
    """A method or function at REV that is now a name bound to another function
    (``ship = execute`` in the class body; ``total = property(totals.total)``, ``binding``
    then ``property``). ``problems`` are the parameters that differ from the target's (checked
    when the target is an added function): a caller would bind its arguments to other
    parameters."""

    function: Function
    line: int
    target: str
    problems: tuple[str, ...] = ()
    binding: str | None = None

    @property
    def passes_on(self) -> bool:
        """True when the target takes the parameters the function took (after the first)."""
        return not self.problems


@dataclass(frozen=True)
class UndefinedName:
    """A name changed code uses and nothing defines (ruff's F821, or a name ruff leaves to
    star imports that none of them exports: ``reason`` says so)."""

    path: str
    line: int
    name: str
    function: str
    reason: str = ""


@dataclass(frozen=True)
class AttributeWarning:
    """A ``self.<attribute>`` read in a changed method whose class set the attribute at REV
    and sets it nowhere now."""

    path: str
    line: int
    attribute: str
    function: str
    base_line: int


@dataclass
class CheckMoveResult:
    """What ``check-move`` found; :attr:`ok` is the exit verdict."""

    base: str
    commit: str
    scope: list[str]
    verdicts: list[MoveVerdict]
    wrappers: list[WrapperReport]
    seconds: float
    undefined: list[UndefinedName] = field(default_factory=list)
    warnings: list[AttributeWarning] = field(default_factory=list)
    constructors: list[Function] = field(default_factory=list)
    aliases: list[AliasReport] = field(default_factory=list)
    classes: list[ClassVerdict] = field(default_factory=list)
    values: list[ValueVerdict] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    new_classes: list[Definition] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    allow_removed: bool = False
    in_place: list[MoveVerdict] = field(default_factory=list)
    in_place_definitions: list[ClassVerdict | ValueVerdict] = field(default_factory=list)

    @property
    def moved_anything(self) -> bool:
        """True when a function, class or module-level value was added."""
        return bool(self.verdicts or self.classes or self.values)

    @property
    def ok(self) -> bool:
        """True when something was added, all of it is a pure move (functions, classes and
        values), every wrapper passes its arguments on unchanged, every alias is bound to a
        function taking the same parameters, every function changed in place is the same code
        (or a caller rewritten to reach moved code), no module value or class changed in place, no changed function uses an undefined
        name, and nothing was removed without a trace (unless removals are allowed)."""
        return (
            self.moved_anything
            and all(v.pure for v in self.verdicts)
            and all(v.pure for v in self.in_place)
            and not self.in_place_definitions
            and all(c.pure for c in self.classes)
            and all(v.pure for v in self.values)
            and all(w.passes_on for w in self.wrappers)
            and all(a.passes_on for a in self.aliases)
            and not self.undefined
            and (self.allow_removed or not self.removed)
        )
