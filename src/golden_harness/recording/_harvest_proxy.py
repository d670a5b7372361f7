"""The stand-ins a harvest puts between a recorded subject and its collaborators.

A :class:`Collaborator` wraps an object the subject holds (``self.db``): its calls are recorded
with their answers through its :class:`CallOwner` (the harvester), its plain attributes as the
fake's ``attrs``, its other attributes as deeper collaborators. :func:`stand_in_path` says what
stands for a recorded value in a replay's golden.
"""

from __future__ import annotations

from typing import Any, Protocol

from golden_harness.exceptions import UnserializableValueError
from golden_harness.format import ScenarioCodec

__all__ = ["PROXY_MARKER", "CallOwner", "Collaborator", "stand_in_path"]

# Set on every subject proxy class: the harvested class it stands for is its first base
# without this marker.
PROXY_MARKER = "__golden_harvest_proxy__"


class CallOwner(Protocol):
    """What a collaborator needs from the harvester: its codec and the recording of a call."""

    _codec: ScenarioCodec

    def _cut_call(
        self,
        scenarios: list[Any],
        path: str,
        target: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any: ...


class Collaborator:
    """A collaborator object of a recorded subject: its calls are recorded with their answers,
    its plain attributes as the fake's ``attrs``, its other attributes as deeper collaborators."""

    __slots__ = ("_harvest_owner", "_harvest_path", "_harvest_scenarios", "_harvest_target")

    def __init__(self, harvester: CallOwner, scenarios: list[Any], path: str, target: Any) -> None:
        object.__setattr__(self, "_harvest_owner", harvester)
        object.__setattr__(self, "_harvest_scenarios", scenarios)
        object.__setattr__(self, "_harvest_path", path)
        object.__setattr__(self, "_harvest_target", target)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        """The collaborator's class, so that ``isinstance`` checks of the run behave as without
        the harvest."""
        return type(self._harvest_target)

    def _live(self) -> list[Any]:
        return [s for s in self._harvest_scenarios if s.recording]

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._harvest_target, name)
        if name.startswith("__"):
            return value
        path = f"{self._harvest_path}.{name}"
        harvester = self._harvest_owner
        live = self._live()
        if not live:
            return value
        if callable(value):

            def call(*args: Any, **kwargs: Any) -> Any:
                return harvester._cut_call(self._live(), path, value, args, kwargs)

            return call
        if harvester._codec.is_data(value):
            for scenario in live:
                known = scenario.fake_attrs.setdefault(self._harvest_path, {})
                if name not in known:
                    try:
                        known[name] = harvester._codec.attribute(name, value, path)
                    except UnserializableValueError as error:
                        scenario.fail(error)
            return value
        return Collaborator(harvester, live, path, value)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._harvest_target, name, value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._harvest_owner._cut_call(
            self._live(), self._harvest_path, self._harvest_target, args, kwargs
        )

    def __enter__(self) -> Any:
        entered = self._harvest_target.__enter__()
        return self if entered is self._harvest_target else entered

    def __exit__(self, *exc: Any) -> Any:
        return self._harvest_target.__exit__(*exc)

    def __repr__(self) -> str:
        return f"<harvested {self._harvest_path}>"


def stand_in_path(value: object) -> str | None:
    """What stands for ``value`` in a replay's golden: a fake for a recorded collaborator, the
    isolated instance for a subject proxy (checked as a fake: both are written by name)."""
    if type(value) is Collaborator:
        return str(object.__getattribute__(value, "_harvest_path"))
    if any(PROXY_MARKER in vars(klass) for klass in type(value).__mro__):
        return "self"
    return None
