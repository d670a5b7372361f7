"""This repository's own docs pass the docs checks (the same checks `.ci/run docs` runs)."""

from __future__ import annotations

import verify_workspace_structure

import check_doc_links
import check_docs_drift


def test_repository_docs_have_no_drift(repo_root, capsys):
    code = check_docs_drift.main(["--root", str(repo_root)])
    assert code == 0, capsys.readouterr().out


def test_repository_doc_links_resolve(repo_root, capsys):
    code = check_doc_links.main(["--root", str(repo_root)])
    assert code == 0, capsys.readouterr().out


def test_repository_layout_matches_docs(repo_root, capsys):
    code = verify_workspace_structure.main(["--root", str(repo_root)])
    assert code == 0, capsys.readouterr().out
