"""Golden folders that are symbolic links: followed consistently, never written or pruned outside
the repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.conftest import copy_demo

SEAM = Path("golden/order_shipping")


def _link_seam_folder(inner: pytest.Pytester, target: Path) -> None:
    """Move the seam's goldens to ``target`` and leave a link to it in their place."""
    shutil.move(inner.path / SEAM, target)
    (inner.path / SEAM).symlink_to(target, target_is_directory=True)


@pytest.fixture
def elsewhere(inner: pytest.Pytester) -> Path:
    """A folder outside the pytester rootdir (a monorepo's shared goldens)."""
    folder = inner.path.parent / f"{inner.path.name}-elsewhere"
    folder.mkdir()
    return folder / "order_shipping"


def test_a_linked_seam_folder_is_verified_without_orphans(
    inner: pytest.Pytester, elsewhere: Path
) -> None:
    copy_demo(inner, goldens=True)
    _link_seam_folder(inner, elsewhere)

    result = inner.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=4)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.no_fnmatch_line("*orphaned golden*")


def test_an_update_never_deletes_an_orphan_outside_the_repository(
    inner: pytest.Pytester, elsewhere: Path
) -> None:
    copy_demo(inner, goldens=True)
    _link_seam_folder(inner, elsewhere)
    orphan = elsewhere / "test_removed_scenario.golden.yaml"
    orphan.write_text("# golden_harness trace v1\n- returned: 1\n")

    result = inner.runpytest("--snapshot-update", "-p", "no:randomly")

    assert orphan.read_text() == "# golden_harness trace v1\n- returned: 1\n"
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*orphaned golden golden/order_shipping/test_removed_scenario.golden.yaml*",
            "*refuses to delete an orphaned golden: golden/order_shipping/test_removed_scenario"
            f".golden.yaml is {orphan}, outside the repository root *, through the link "
            f"golden/order_shipping -> {elsewhere}*",
        ]
    )


def test_an_orphan_in_a_linked_folder_inside_the_repository_is_deleted(
    inner: pytest.Pytester,
) -> None:
    copy_demo(inner, goldens=True)
    store = inner.path / "shared-goldens" / "order_shipping"
    store.parent.mkdir()
    _link_seam_folder(inner, store)
    orphan = store / "test_removed_scenario.golden.yaml"
    orphan.write_text("# golden_harness trace v1\n- returned: 1\n")

    result = inner.runpytest("--snapshot-update", "-p", "no:randomly")

    result.assert_outcomes(passed=4)
    assert not orphan.exists()
    assert sorted(p.name for p in store.iterdir()) == sorted(
        p.name for p in (Path(__file__).parent / "demo" / SEAM).iterdir()
    )


def test_a_capture_through_a_link_out_of_the_repository_is_refused(
    inner: pytest.Pytester, elsewhere: Path
) -> None:
    copy_demo(inner, goldens=True)
    _link_seam_folder(inner, elsewhere)
    golden = elsewhere / "test_ships_paid_order.golden.yaml"
    golden.write_text("# golden_harness trace v1\n- returned: 1\n")

    result = inner.runpytest("--snapshot-update", "test_order_shipping.py::test_ships_paid_order")

    assert golden.read_text() == "# golden_harness trace v1\n- returned: 1\n"
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*OutsideRootError: golden_harness refuses to write the golden of "
            "test_order_shipping.py::test_ships_paid_order: golden/order_shipping/"
            "test_ships_paid_order.golden.yaml is *, outside the repository root *, through the "
            f"link golden/order_shipping -> {elsewhere}*"
        ]
    )
