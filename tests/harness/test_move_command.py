"""``golden move`` end to end on scratch copies of the example project: a proven move is
committed with both verdicts in its message; ``--dry-run`` prints the diff and writes nothing; a
move verify-move does not prove stays uncommitted; the project's formatter and after-move hook;
what the moved code looks like with ``--name``, ``--self-name``, relative and type-checking
imports; the ``Seam(covers=...)`` update."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from golden_harness.cli import main
from golden_harness.moves import check_move, render_check_move
from golden_harness.relocate import MoveRequest, perform_move
from golden_harness.relocate._project import update_covers
from harness.move_examples import PYPROJECT, git, make_repo

SHIP = ["src/movex/orders.py::Orders.ship", "--to", "movex.shipping"]


def _move(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), "move", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_proven_move_is_committed_with_both_verdicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "project")

    code, out, _ = _move(repo, capsys, *SHIP, "--commit")

    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == (
        "golden move: Orders.ship (src/movex/orders.py, a method) -> movex.shipping.ship "
        "(src/movex/shipping.py), leaving a thin wrapper"
    )
    assert "  formatted with ruff" in lines
    assert any(line.startswith("  pure move        movex.shipping.ship (") for line in lines)
    assert "Same behaviour: every scenario run on both sides produced the same trace." in lines
    message = git(repo, "log", "-1", "--format=%B")
    subject, _, body = message.partition("\n\n")
    assert subject == "move: Orders.ship to movex.shipping"
    assert body.splitlines()[0] == (
        "golden move src/movex/orders.py::Orders.ship --to movex.shipping: movex.shipping.ship, "
        "leaving a thin wrapper."
    )
    assert body.splitlines()[1].startswith(
        "golden check-move --base HEAD: 1 pure move(s), 0 not pure, 0 without counterpart; "
        "1 wrapper(s), 0 passing other arguments; 0 undefined name(s)"
    )
    assert body.splitlines()[2].startswith("golden verify-move --base HEAD: 14 equal, 0 different")
    assert lines[-1].startswith(f"Committed {git(repo, 'rev-parse', 'HEAD')[:12]}: move: ")
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "src/movex/orders.py",
        "src/movex/shipping.py",
        "tests/characterization/test_orders.py",
    ]
    assert git(repo, "status", "--porcelain") == ""


def test_dry_run_prints_the_diff_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "project")

    code, out, _ = _move(repo, capsys, *SHIP, "--dry-run")

    assert code == 0
    lines = out.splitlines()
    assert lines[2] == "  dry run: nothing written; the diff it would make:"
    assert "--- a/src/movex/orders.py" in lines
    assert "+from movex import shipping" in lines
    assert "+        return shipping.ship(self, order)" in lines
    assert lines[lines.index("--- /dev/null") + 1] == "+++ b/src/movex/shipping.py"
    assert "+def ship(orders, order):" in lines
    assert '+        "movex.shipping:ship",' in lines
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


OBSERVED = """\
from golden_harness import Seam

from movex.orders import Orders

GOLDEN_SEAM = Seam("names", covers=["movex.orders:Orders.describe"])


def test_the_name_python_shows(golden):
    golden.call(lambda: Orders.describe.__qualname__)
"""


def test_a_move_verify_move_does_not_prove_is_not_committed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "project", files={"tests/characterization/test_names.py": OBSERVED})
    head = git(repo, "rev-parse", "HEAD")

    code, out, _ = _move(
        repo,
        capsys,
        "src/movex/orders.py::Orders.describe",
        "--to",
        "movex.texts",
        "--leave",
        "alias",
        "--commit",
    )

    assert code == 1
    lines = out.splitlines()
    assert "  DIFFERENT  names/test_the_name_python_shows" in lines
    assert any(line.startswith("1 pure move(s), 0 not pure") for line in lines)
    assert lines[-1] == (
        "Not proven (verify-move does not find the same behaviour): the working tree keeps the "
        "move, nothing is committed. Fix it, or undo it with git checkout/git clean."
    )
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain").splitlines() == [
        " M src/movex/orders.py",
        " M tests/characterization/test_names.py",
        " M tests/characterization/test_orders.py",
        "?? src/movex/texts.py",
    ]


STAMP = """\
from pathlib import Path

text = Path("src/movex/shipping.py").read_text()
Path("MOVES.md").write_text("shipping holds: " + ", ".join(
    line[4:].split("(")[0] for line in text.splitlines() if line.startswith("def ")
) + "\\n")
"""


def test_the_after_move_hook_runs_and_its_changes_are_committed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "project",
        pyproject=PYPROJECT + '\n[tool.golden_harness]\nafter-move = "python scripts/stamp.py"\n',
        files={"scripts/stamp.py": STAMP, "MOVES.md": "shipping holds nothing\n"},
    )

    code, out, _ = _move(repo, capsys, *SHIP, "--commit")

    assert code == 0, out
    assert "  after-move: python scripts/stamp.py: done" in out.splitlines()
    assert (repo / "MOVES.md").read_text() == "shipping holds: ship\n"
    assert "MOVES.md" in git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert git(repo, "status", "--porcelain") == ""


def test_a_failing_hook_stops_before_the_proofs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "project",
        pyproject=PYPROJECT
        + "\n[tool.golden_harness]\nafter-move = \"python -c 'raise SystemExit(3)'\"\n",
    )

    code, _, err = _move(repo, capsys, *SHIP, "--commit")

    assert code == 2
    assert (
        "after-move command \"python -c 'raise SystemExit(3)'\" failed (exit 3); the moved "
        "files are written, the commit is not made." in err
    )
    assert git(repo, "log", "--format=%s") == "initial\n"
    assert (repo / "src/movex/shipping.py").is_file()


def test_black_configured_but_missing_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if importlib.util.find_spec("black") is not None:
        pytest.skip("black is installed here")
    repo = make_repo(tmp_path / "project", pyproject="[tool.black]\nline-length = 100\n")
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "git").symlink_to(shutil.which("git") or "/usr/bin/git")
    monkeypatch.setenv("PATH", str(tools))

    code, _, err = _move(repo, capsys, *SHIP, "--dry-run")

    assert code == 2
    assert "pyproject.toml configures black ([tool.black]), and black is not installed" in err


def test_without_a_formatter_the_code_is_left_as_libcst_writes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "project", pyproject='[project]\nname = "movex"\n')

    code, out, _ = _move(repo, capsys, *SHIP, "--dry-run")

    assert code == 0
    assert "formatted with" not in out
    lines = out.splitlines()
    start = lines.index("+++ b/src/movex/shipping.py") + 2
    assert lines[start : start + 7] == [
        "+import logging",
        "+from movex.pricing import compute_total as price_total",
        "+",
        "+logger = logging.getLogger(__name__)",
        "+",
        "+",
        "+def ship(orders, order):",
    ]


TYPED = '''\
"""Typed code with relative and type-checking imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .pricing import compute_total

if TYPE_CHECKING:
    from .pricing import retry


class Basket:
    def __init__(self, items):
        self.items = items

    def total(self, hook: retry | None = None) -> float:
        """The basket's total."""
        from . import tools  # a relative import inside the body

        return compute_total(self.items) + len(tools.split_tags("a,b"))
'''

TYPED_MOVED = '''\
from __future__ import annotations

from typing import TYPE_CHECKING

from movex.pricing import compute_total

if TYPE_CHECKING:
    from movex.pricing import retry


def basket_total(cart, hook: retry | None = None) -> float:
    """The basket's total."""
    from movex import tools  # a relative import inside the body

    return compute_total(cart.items) + len(tools.split_tags("a,b"))
'''


def test_names_resolve_as_before_in_another_package(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "project", files={"src/movex/basket.py": TYPED})
    (repo / "src/movex/sub").mkdir()
    (repo / "src/movex/sub/__init__.py").write_text("")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a sub-package")
    request = MoveRequest(
        repo,
        "src/movex/basket.py::Basket.total",
        "movex.sub.totals",
        name="basket_total",
        self_name="cart",
    )

    outcome = perform_move(request, verify=False)

    assert (repo / "src/movex/sub/totals.py").read_text() == TYPED_MOVED
    basket = (repo / "src/movex/basket.py").read_text()
    assert "        return totals.basket_total(self, hook)\n" in basket
    assert "from movex.sub import totals\n" in basket
    assert "from .pricing import compute_total" not in basket
    assert outcome.check is not None
    assert outcome.check.ok, "\n".join(render_check_move(outcome.check))


def test_the_role_name_comes_from_the_class_and_avoids_the_body_names(tmp_path: Path) -> None:
    body = (
        "class OrderProcessor:\n"
        "    def run(self, processor):\n"
        "        step = self.step(processor)\n"
        "        return step\n"
    )
    repo = make_repo(tmp_path / "project", files={"src/movex/proc.py": body})

    perform_move(
        MoveRequest(repo, "src/movex/proc.py::OrderProcessor.run", "movex.runs"), verify=False
    )

    assert (repo / "src/movex/runs.py").read_text() == (
        "def run(order_processor, processor):\n"
        "    step = order_processor.step(processor)\n"
        "    return step\n"
    )
    assert check_move(repo, "HEAD").ok


def test_covers_gain_the_new_reference_or_have_it_replaced(tmp_path: Path) -> None:
    text = (
        "from golden_harness import Seam\n\n"
        "GOLDEN_SEAM = Seam(\n"
        '    "s",\n'
        "    covers=[\n"
        '        "pkg.mod:Cls.run#retry",\n'
        '        "pkg.mod:Other.run",\n'
        '        "pkg.mod:Cls.run",\n'
        "    ],\n"
        ")\n"
        'UNRELATED = ["pkg.mod:Cls.run"]\n'
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_s.py").write_text(text)
    pending: dict[str, tuple[str | None, str]] = {}

    changed = update_covers(tmp_path, "tests", {"pkg.mod:Cls.run": "pkg.new:run"}, True, pending)

    assert changed == {"tests/test_s.py"}
    after = pending["tests/test_s.py"][1]
    assert after.splitlines()[5:10] == [
        '        "pkg.new:run#retry",',
        '        "pkg.mod:Cls.run#retry",',
        '        "pkg.mod:Other.run",',
        '        "pkg.new:run",',
        '        "pkg.mod:Cls.run",',
    ]
    assert after.endswith('UNRELATED = ["pkg.mod:Cls.run"]\n')

    pending.clear()
    update_covers(tmp_path, "tests", {"pkg.mod:Cls": "pkg.new:Cls"}, False, pending)

    assert '        "pkg.new:Cls.run#retry",' in pending["tests/test_s.py"][1].splitlines()
    assert '        "pkg.mod:Other.run",' in pending["tests/test_s.py"][1].splitlines()


def test_a_method_that_was_one_call_moves_purely(tmp_path: Path) -> None:
    body = "class Runner:\n    def run(self, job):\n        return self.step(job)\n"
    repo = make_repo(tmp_path / "project", files={"src/movex/runner.py": body})

    perform_move(MoveRequest(repo, "src/movex/runner.py::Runner.run", "movex.runs"), verify=False)

    assert (repo / "src/movex/runs.py").read_text() == (
        "def run(runner, job):\n    return runner.step(job)\n"
    )
    result = check_move(repo, "HEAD")
    assert result.ok, "\n".join(render_check_move(result))


def test_local_imports_open_the_moved_function(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "project",
        pyproject=PYPROJECT + '\n[tool.golden_harness]\nlocal-imports = ["movex.pricing"]\n',
    )

    outcome = perform_move(MoveRequest(repo, *SHIP[::2]), verify=False)

    assert (repo / "src/movex/shipping.py").read_text() == (
        "import logging\n\n"
        "logger = logging.getLogger(__name__)\n\n\n"
        "def ship(orders, order):\n"
        '    """Ship one order: save it with its total."""\n'
        "    from movex.pricing import compute_total as price_total\n\n"
        '    total = price_total(order["items"])  # as the pricing module computes it\n'
        '    orders.db.save(order_id=order["id"], total=total)\n'
        '    logger.info("shipped %s", order["id"])\n'
        '    return "SHIPPED"\n'
    )
    assert outcome.check is not None
    assert outcome.check.ok, "\n".join(render_check_move(outcome.check))


def test_a_malformed_local_imports_setting_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "project",
        pyproject=PYPROJECT + '\n[tool.golden_harness]\nlocal-imports = "movex.pricing"\n',
    )

    code, _, err = _move(repo, capsys, *SHIP, "--dry-run")

    assert code == 2
    assert "local-imports is 'movex.pricing': it must be a list of dotted module names" in err


def test_a_check_move_that_cannot_run_leaves_the_move_uncommitted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from golden_harness.exceptions import ReviewError
    from golden_harness.relocate import _move as move_module

    def cannot_run(root: Path, base: str) -> None:
        raise ReviewError("ruff is not installed")

    monkeypatch.setattr(move_module, "check_move", cannot_run)
    repo = make_repo(tmp_path / "project")

    code, out, _ = _move(repo, capsys, *SHIP, "--commit")

    assert code == 1
    assert "check-move could not run: ruff is not installed" in out.splitlines()
    assert out.splitlines()[-1].startswith(
        "Not proven (check-move does not call it a pure move): the working tree keeps the move"
    )
    assert git(repo, "log", "--format=%s") == "initial\n"


def test_a_file_not_formatted_before_the_move_keeps_its_other_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "project")
    orders = repo / "src/movex/orders.py"
    unformatted = "UNTOUCHED = ( 1,2 )  # not as ruff would write it\n"
    orders.write_text(orders.read_text() + "\n\n" + unformatted)
    git(repo, "commit", "-qam", "an unformatted line")

    code, out, _ = _move(repo, capsys, *SHIP, "--dry-run")

    assert code == 0, out
    assert (
        "  formatted with ruff (src/movex/orders.py left as written: not formatted with ruff "
        "before the move, so formatting would change other lines too)"
    ) in out.splitlines()
    assert "-" + unformatted.rstrip("\n") not in out.splitlines()
    start = out.index("+++ b/src/movex/shipping.py")
    assert "+def ship(" in out[start:]
