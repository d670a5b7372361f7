"""Characterization of ``ReportExporter.export``."""

from __future__ import annotations

from golden_harness import Seam
from mixins.exporter import ReportExporter

GOLDEN_SEAM = Seam("mixins", covers=["mixins.exporter:ReportExporter.export"])


def test_exports_rows_and_audits(golden):
    golden.fake("storage.put", returns=None)
    exporter = golden.isolate(
        ReportExporter,
        real=["export", "to_json", "audit"],
        attrs={"storage": golden.fake("storage"), "audit_log": []},
    )
    golden.call(exporter.export, "weekly", [{"sku": "pen", "sold": 3}])
