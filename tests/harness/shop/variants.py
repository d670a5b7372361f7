"""The ``OrderProcessor`` variants the move demonstration runs against the same goldens.

``original`` and ``moved`` must verify; every entry of :data:`ALTERATIONS` is a copy of the
original with one deliberate behaviour change, built by a single exact text substitution.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

from harness.shop import processor, processor_moved

ALTERATIONS: dict[str, tuple[str, str]] = {
    "reordered_calls": (
        "        self.db.save_shipment(payload=payload, retries=2)\n"
        '        self.mailer.queue(order["customer"], template="shipped")\n',
        '        self.mailer.queue(order["customer"], template="shipped")\n'
        "        self.db.save_shipment(payload=payload, retries=2)\n",
    ),
    "keyword_changed": (
        "self.db.save_shipment(payload=payload, retries=2)",
        "self.db.save_shipment(payload=payload, retries=3)",
    ),
    "log_dropped": (
        '        log.info("order %s shipped, total %.2f", order["id"], total)\n',
        "",
    ),
    "payload_keys_swapped": (
        'payload = {"order_id": order["id"], "shipment_id": shipment_id, "total": total}',
        'payload = {"shipment_id": shipment_id, "order_id": order["id"], "total": total}',
    ),
    "subprocess_arg_changed": (
        '["lp", "-d", self.printer, "-"]',
        '["lp", "-P", self.printer, "-"]',
    ),
}


def altered_source(name: str) -> str:
    """The source of ``processor.py`` with alteration ``name`` applied (exactly once)."""
    old, new = ALTERATIONS[name]
    source = Path(processor.__file__).read_text(encoding="utf-8")
    if source.count(old) != 1:
        raise AssertionError(f"alteration {name!r} must match processor.py exactly once: {old!r}")
    return source.replace(old, new)


def order_processor(variant: str) -> type:
    """The ``OrderProcessor`` class of ``variant``: original, moved, or an alteration name."""
    if variant == "original":
        return processor.OrderProcessor
    if variant == "moved":
        return processor_moved.OrderProcessor
    if variant not in ALTERATIONS:
        raise ValueError(
            f"unknown variant {variant!r}; expected original, moved or {sorted(ALTERATIONS)}"
        )
    module_name = f"harness.shop.altered_{variant}"
    module = types.ModuleType(module_name)
    module.__file__ = f"<{module_name}>"
    sys.modules[module_name] = module
    exec(compile(altered_source(variant), module.__file__, "exec"), module.__dict__)
    return module.OrderProcessor  # type: ignore[no-any-return]
