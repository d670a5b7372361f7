"""The key ``golden strength`` keeps a mutant's outcome under: it changes with the mutant's
function, its scenarios' test module and goldens, and with nothing else."""

from __future__ import annotations

from pathlib import Path

from golden_harness.measure import mutants_in
from golden_harness.measure._strength_cache import Inputs, ResultCache, mutant_key

SOURCE = "def fee(rate):\n    return rate * 10\n\n\ndef other():\n    return 1\n"
SCENARIO = ("tests/characterization/test_fees.py", "tests/characterization/test_fees.py::test_eur")


def _project(root: Path) -> Path:
    for name, text in {
        "src/fees.py": SOURCE,
        SCENARIO[0]: "def test_eur(golden):\n    pass\n",
        "tests/characterization/conftest.py": "",
        "golden/fees/test_eur.golden.yaml": "# golden_harness trace v1\n- return: 1\n",
        "golden/fees/test_usd.golden.yaml": "# golden_harness trace v1\n- return: 2\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _key(root: Path) -> str:
    (mutant,) = [
        m
        for m in mutants_in(root / "src/fees.py", "fees", ((1, 10),))
        if m.operator == "number + 1" and m.qualname == "fee"
    ]
    inputs = Inputs(root, root / "golden", {SCENARIO[0]: "fees"})
    return mutant_key(mutant, root, [SCENARIO], inputs)


def test_the_key_follows_the_function_its_scenarios_and_their_goldens(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first = _key(root)
    unchanged = {}

    (root / "src/fees.py").write_text(SOURCE.replace("return 1", "return 2"))
    unchanged["another function"] = _key(root)
    (root / "golden/fees/test_usd.golden.yaml").write_text(
        "# golden_harness trace v1\n- return: 3\n"
    )
    unchanged["another scenario's golden"] = _key(root)
    (root / "src/fees.py").write_text("\n\n" + SOURCE)
    unchanged["the function's place in the file"] = _key(root)

    changed = {}
    (root / "src/fees.py").write_text(SOURCE.replace("rate * 10", "rate  * 10"))
    changed["the function"] = _key(root)
    (root / "src/fees.py").write_text(SOURCE)
    (root / SCENARIO[0]).write_text("def test_eur(golden):\n    assert True\n")
    changed["the scenario's module"] = _key(root)
    (root / "tests/characterization/conftest.py").write_text("# a fixture\n")
    changed["a conftest.py above it"] = _key(root)
    (root / "golden/fees/test_eur.golden.yaml").write_text(
        "# golden_harness trace v1\n- return: 9\n"
    )
    changed["the scenario's golden"] = _key(root)

    assert unchanged == dict.fromkeys(unchanged, first)
    assert len({first, *changed.values()}) == 1 + len(changed), changed


def test_outcomes_survive_a_restart_and_merge_with_another_run(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    one, two = ResultCache(folder), ResultCache(folder)
    one.put("a", "killed")
    two.put("b", "survived")
    one.save()
    two.save()

    kept = ResultCache(folder)
    ignored = ResultCache(folder, read=False)

    assert (kept.get("a"), kept.get("b")) == ("killed", "survived")
    assert ignored.get("a") is None
    assert [p.name for p in folder.iterdir()] == ["results.json"]
