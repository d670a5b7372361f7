"""Seam declarations: validation, static discovery, and code resolution with regions."""

from __future__ import annotations

import inspect
import shutil
import types
from pathlib import Path
from typing import Any

import pytest

from golden_harness import (
    Seam,
    SeamDeclarationError,
    SeamResolutionError,
    SeamRootsError,
    discover_seams,
    resolve_code,
)
from golden_harness.seams import resolve_seams, seam_name_of_module, static_seam_name
from harness.shop import processor, regions

TESTS_DIR = Path(__file__).resolve().parent.parent


def test_seam_validates_its_name_and_references() -> None:
    seam = Seam("scope_generation", covers=["pkg.mod:Cls.method#scope_generation"])
    assert seam.covers == ("pkg.mod:Cls.method#scope_generation",)
    with pytest.raises(SeamDeclarationError, match="'bad/name' is not a valid folder name"):
        Seam("bad/name")
    with pytest.raises(
        SeamDeclarationError, match=r"covers 'pkg\.mod\.Cls', which is not a code reference"
    ):
        Seam("ok", covers=["pkg.mod.Cls"])


def test_module_seam_name_from_declaration_or_file_name() -> None:
    declared = types.ModuleType("test_anything")
    declared.GOLDEN_SEAM = Seam("ci_runner")  # type: ignore[attr-defined]
    assert seam_name_of_module(declared) == "ci_runner"
    plain = types.ModuleType("test_phase_state")
    plain.__file__ = "/x/tests/characterization/test_phase_state.py"
    assert seam_name_of_module(plain) == "phase_state"
    wrong = types.ModuleType("m")
    wrong.GOLDEN_SEAM = "phase_state"  # type: ignore[attr-defined]
    with pytest.raises(SeamDeclarationError, match=r"must be a golden_harness\.Seam"):
        seam_name_of_module(wrong)


def test_discovery_reads_declarations_without_importing(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "test_a.py").write_text(
        "import sys\nsys.exit('must not be imported')\nGOLDEN_SEAM = Seam('a', covers=['p.m:f'])\n"
    )
    (tmp_path / "test_b.py").write_text("GOLDEN_SEAM = Seam(name='b')\n")
    (tmp_path / "test_c.py").write_text("x = 1\n")
    found = discover_seams(tmp_path)
    assert [(d.seam, d.module_path.name, d.line) for d in found] == [
        (Seam("a", covers=["p.m:f"]), "test_a.py", 3),
        (Seam("b"), "test_b.py", 1),
    ]


def test_discovery_refuses_computed_declarations(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text("NAME = 'x'\nGOLDEN_SEAM = Seam(NAME)\n")
    with pytest.raises(
        SeamDeclarationError, match=r"test_x\.py:2: GOLDEN_SEAM must be built from literals"
    ):
        discover_seams(tmp_path)


def test_the_demo_scenarios_declare_a_resolvable_seam(tmp_path: Path) -> None:
    demo = TESTS_DIR / "harness" / "demo" / "scenarios_order_shipping.py"
    assert discover_seams(demo.parent) == []  # not named test_*.py: the outer run skips it
    shutil.copy(demo, tmp_path / "test_order_shipping.py")
    (declaration,) = discover_seams(tmp_path)
    assert declaration.seam == Seam(
        "order_shipping", covers=["harness.shop.processor:OrderProcessor.ship"]
    )
    location = resolve_code(declaration.seam.covers[0], [TESTS_DIR])
    assert location.file.name == "processor.py"


def test_resolve_a_method_to_its_file_and_lines() -> None:
    location = resolve_code("harness.shop.processor:OrderProcessor.ship", [TESTS_DIR])
    lines, start = inspect.getsourcelines(processor.OrderProcessor.ship)
    assert location.file == Path(processor.__file__).resolve()
    assert location.lines == ((start, start + len(lines) - 1),)
    assert (
        location.describe(TESTS_DIR)
        == f"harness/shop/processor.py:{start}-{start + len(lines) - 1}"
    )


def test_resolve_regions_inside_a_function() -> None:
    source = Path(regions.__file__).read_text().splitlines()
    marks = [i + 1 for i, line in enumerate(source) if "golden-seam" in line and "pricing" in line]
    location = resolve_code("harness.shop.regions:Checkout.run#pricing", [TESTS_DIR])
    assert location.lines == ((marks[0], marks[1]), (marks[2], marks[3]))
    fees = resolve_code("harness.shop.regions:Checkout.run#fees", [TESTS_DIR])
    assert len(fees.lines) == 1


def test_resolve_a_name_bound_in_a_class_or_module_body(tmp_path: Path) -> None:
    package = tmp_path / "src" / "aliased"
    package.mkdir(parents=True)
    (package / "mod.py").write_text(
        "def execute(orders, order):\n"
        "    return order\n"
        "\n"
        "\n"
        "class Orders:\n"
        "    ship = execute\n"
        "    label: str = (\n"
        "        'x'\n"
        "    )\n"
        "\n"
        "    def execute(self):\n"
        "        return 1\n"
        "\n"
        "\n"
        "LIMIT = 3\n"
    )

    assert resolve_code("aliased.mod:Orders.ship", [tmp_path]).lines == ((6, 6),)
    assert resolve_code("aliased.mod:Orders.label", [tmp_path]).lines == ((7, 9),)
    assert resolve_code("aliased.mod:LIMIT", [tmp_path]).lines == ((15, 15),)
    # A def of the same name wins over an assignment; only the last part may be an assignment.
    assert resolve_code("aliased.mod:Orders.execute", [tmp_path]).lines == ((11, 12),)
    with pytest.raises(
        SeamResolutionError, match=r"'ship' in .* is bound by an assignment, so it has no 'real'"
    ):
        resolve_code("aliased.mod:Orders.ship.real", [tmp_path])


def test_resolution_errors_name_the_problem() -> None:
    with pytest.raises(
        SeamResolutionError, match=r"defines no 'shipp' there\. Did you mean 'ship'"
    ):
        resolve_code("harness.shop.processor:OrderProcessor.shipp", [TESTS_DIR])
    with pytest.raises(SeamResolutionError, match=r"Cannot find module 'harness\.nowhere'"):
        resolve_code("harness.nowhere:f", [TESTS_DIR])
    with pytest.raises(SeamResolutionError, match="no '# golden-seam: absent' region"):
        resolve_code("harness.shop.regions:Checkout.run#absent", [TESTS_DIR])
    with pytest.raises(
        SeamResolutionError, match="region 'open' has no '# golden-seam-end: open' line"
    ):
        resolve_code("harness.shop.regions:broken#open", [TESTS_DIR])


def test_resolve_seams_reports_unresolved_references_without_stopping(tmp_path: Path) -> None:
    (tmp_path / "test_a.py").write_text(
        "GOLDEN_SEAM = Seam('a', covers=['harness.shop.regions:Checkout.run#fees', "
        "'harness.shop.regions:Checkout.gone'])\n"
    )
    (resolved,) = resolve_seams(tmp_path, [TESTS_DIR])
    assert resolved.declaration.seam.name == "a"
    assert [loc.ref for loc in resolved.locations] == ["harness.shop.regions:Checkout.run#fees"]
    assert len(resolved.errors) == 1
    assert "defines no 'gone' there" in resolved.errors[0]


def test_static_seam_name_of_a_test_file(tmp_path: Path) -> None:
    declared = tmp_path / "test_declared.py"
    declared.write_text("GOLDEN_SEAM = Seam('ci_runner')\n")
    fallback = tmp_path / "test_phase_state.py"
    fallback.write_text("def test_x(golden):\n    pass\n")
    unrelated = tmp_path / "test_unit.py"
    unrelated.write_text("def test_x():\n    assert True\n")
    broken = tmp_path / "test_broken.py"
    broken.write_text("def (:\n")
    assert static_seam_name(declared) == "ci_runner"
    assert static_seam_name(fallback) == "phase_state"
    assert static_seam_name(unrelated) is None
    assert static_seam_name(broken) is None


def test_a_region_declared_by_another_seam_is_left_out_of_the_enclosing_seam(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_checkout.py").write_text(
        "GOLDEN_SEAM = Seam('checkout', covers=['harness.shop.regions:Checkout.run'])\n"
    )
    (tmp_path / "test_fees.py").write_text(
        "GOLDEN_SEAM = Seam('fees', covers=['harness.shop.regions:Checkout.run#fees'])\n"
    )
    whole = resolve_code("harness.shop.regions:Checkout.run", [TESTS_DIR])
    fees = resolve_code("harness.shop.regions:Checkout.run#fees", [TESTS_DIR])
    ((run_start, run_end),) = whole.lines
    ((fees_start, fees_end),) = fees.lines
    by_name = {r.declaration.seam.name: r for r in resolve_seams(tmp_path, [TESTS_DIR])}
    assert by_name["checkout"].locations[0].lines == (
        (run_start, fees_start - 1),
        (fees_end + 1, run_end),
    )
    assert by_name["fees"].locations[0].lines == fees.lines  # the region keeps its own lines


def test_roots_may_be_strings_or_paths() -> None:
    as_path = resolve_code("harness.shop.processor:OrderProcessor.ship", [TESTS_DIR])
    as_str = resolve_code("harness.shop.processor:OrderProcessor.ship", [str(TESTS_DIR)])
    mixed = resolve_code(
        "harness.shop.processor:OrderProcessor.ship", (str(TESTS_DIR / "nowhere"), TESTS_DIR)
    )
    assert as_str == as_path == mixed


def test_a_str_root_is_searched_before_sys_path(tmp_path: Path) -> None:
    (tmp_path / "src" / "pkg_only_here").mkdir(parents=True)
    (tmp_path / "src" / "pkg_only_here" / "mod.py").write_text("def f():\n    return 1\n")
    location = resolve_code("pkg_only_here.mod:f", [str(tmp_path)])
    assert location.file == (tmp_path / "src" / "pkg_only_here" / "mod.py").resolve()
    assert location.lines == ((1, 2),)


def test_resolve_seams_and_discovery_take_str_folders(tmp_path: Path) -> None:
    (tmp_path / "test_a.py").write_text(
        "GOLDEN_SEAM = Seam('a', covers=['harness.shop.regions:Checkout.run#fees'])\n"
    )
    (resolved,) = resolve_seams(str(tmp_path), [str(TESTS_DIR)])
    assert resolved.errors == ()
    assert [loc.ref for loc in resolved.locations] == ["harness.shop.regions:Checkout.run#fees"]
    assert [d.seam.name for d in discover_seams(str(tmp_path))] == ["a"]


@pytest.mark.parametrize(
    ("roots", "message"),
    [
        ("src", r"roots='src'\) takes a list of folders, not a single path; pass roots=\['src'\]"),
        (TESTS_DIR, r"takes a list of folders, not a single path"),
        (
            42,
            r"roots=42\) takes a list of folders \(str or pathlib\.Path\), not a value of type int",
        ),
        ([TESTS_DIR, 42], r"got 42 \(int\) among its folders; each root must be a str or a"),
        ([None], r"got None \(NoneType\) among its folders"),
        ([b"src"], r"got b'src' \(bytes\) among its folders"),
    ],
)
def test_roots_of_another_type_are_refused_naming_the_value(roots: Any, message: str) -> None:
    ref = "harness.shop.processor:OrderProcessor.ship"
    with pytest.raises(SeamRootsError, match=message):
        resolve_code(ref, roots)
    with pytest.raises(TypeError, match=message.replace("resolve_code", "resolve_seams")):
        resolve_seams(TESTS_DIR / "harness", roots)


def test_bad_roots_stop_resolve_seams_instead_of_filling_every_error(tmp_path: Path) -> None:
    (tmp_path / "test_a.py").write_text("GOLDEN_SEAM = Seam('a', covers=['p.m:f', 'p.m:g'])\n")
    with pytest.raises(SeamRootsError, match=r"resolve_seams\(\.\.\., roots=\[42\]\)"):
        resolve_seams(tmp_path, [42])  # type: ignore[list-item]
