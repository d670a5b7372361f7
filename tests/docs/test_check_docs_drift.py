"""check_docs_drift.py on synthetic repositories."""

from __future__ import annotations

from check_docs_drift import main

PYPROJECT = """[project]
name = "demo"
version = "0"

[project.scripts]
demo = "demo.cli:main"
"""
BASE = {
    "pyproject.toml": PYPROJECT,
    "src/demo/__init__.py": "",
    "src/demo/cli.py": "def main():\n    return 0\n",
    "scripts/check_thing.py": "",
    "scripts/tidy/refresh.py": "",
    "tests/docs/test_x.py": "",
    ".ci/run": "",
}


def _run(repo, capsys) -> tuple[int, str]:
    code = main(["--root", str(repo.root)])
    out, err = capsys.readouterr()
    return code, out + err


def test_existing_commands_scripts_and_paths_pass(doc_repo, capsys):
    doc_repo.write(
        {
            **BASE,
            "README.md": (
                "# Demo\n\nRun `python scripts/check_thing.py --base HEAD~3` and see "
                "`src/demo/cli.py:1`, `scripts/check_thing.py:`, `tests/docs/test_x.py::test_a`, `golden/<seam>/`, `*.md`,\n"
                "`src/demo/cli.py::Cli.run#region`.\n\n"
                "```bash\npython3 -m venv .venv && .venv/bin/pip install -e '.[dev]'\n"
                "bash .ci/run\n.venv/bin/demo report 2>&1 | tail -n 5\n"
                "python scripts/tidy/refresh.py \\\n  --check\nCI=true .venv/bin/pytest tests/docs/ -q\n"
                "# a comment mentioning scripts/absent.py\n```\n\n"
                "```console\n$ demo run --out=tests/docs/\noutput line naming scripts/absent.py\n```\n\n"
                "```python\nopen('scripts/absent.py')\n```\n"
            ),
        }
    )
    code, out = _run(doc_repo, capsys)
    assert code == 0, out


def test_a_missing_file_behind_a_qualified_name_and_region_fails(doc_repo, capsys):
    doc_repo.write({**BASE, "README.md": "# Demo\n\nSee `src/demo/gone.py::Cli.run#region`.\n"})
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "README.md:3: 'src/demo/gone.py' does not exist in the repository" in out


def test_missing_documented_script_fails_naming_doc_line_and_item(doc_repo, capsys):
    doc_repo.write(
        {
            **BASE,
            "docs/guide.md": "# Guide\n\n```bash\npython scripts/check_missing.py --check\n```\n",
        }
    )
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "docs/guide.md:4: 'scripts/check_missing.py' does not exist in the repository" in out


def test_missing_path_in_inline_code_fails(doc_repo, capsys):
    doc_repo.write({**BASE, "README.md": "# D\n\nThe runner is\n`scripts/run_all.py`.\n"})
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "README.md:4: 'scripts/run_all.py' does not exist" in out


def test_missing_folder_written_with_slash_fails(doc_repo, capsys):
    doc_repo.write({**BASE, "README.md": "# D\n\nGoldens live in `golden/`.\n"})
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "'golden/' is documented as a folder that does not exist" in out


def test_undeclared_console_script_fails(doc_repo, capsys):
    doc_repo.write({**BASE, "README.md": "# D\n\n```sh\ngolden report\n```\n"})
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "README.md:4: 'golden' is neither a console script declared in pyproject.toml" in out


def test_missing_program_path_fails(doc_repo, capsys):
    doc_repo.write({**BASE, "README.md": "# D\n\n```bash\n./scripts/setup.sh\n```\n"})
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "'scripts/setup.sh' does not exist" in out


def test_console_script_with_missing_target_fails(doc_repo, capsys):
    doc_repo.write({**BASE, "src/demo/cli.py": "def run():\n    return 0\n"})
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "pyproject.toml:6: 'demo' points at 'main', which src/demo/cli.py does not define" in out


def test_console_script_with_missing_module_fails(doc_repo, capsys):
    files = {k: v for k, v in BASE.items() if k != "src/demo/cli.py"}
    doc_repo.write(files)
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "'demo' points at module 'demo.cli', which has no file under src/" in out


def test_ignore_marks_skip_planned_paths(doc_repo, capsys):
    doc_repo.write(
        {
            **BASE,
            "README.md": (
                "# D\n\nWill move to `src/demo/later.py`. <!-- docs-drift: ignore -->\n\n"
                "```bash no-drift-check\nplanned-tool scripts/later.py\n```\n\n"
                "```bash\nplanned-tool --flag  # docs-drift: ignore\n```\n"
            ),
        }
    )
    code, out = _run(doc_repo, capsys)
    assert code == 0, out


def test_bad_root_is_a_clear_error(tmp_path, capsys):
    assert main(["--root", str(tmp_path / "absent")]) == 2
    assert "is not a folder" in capsys.readouterr().err
