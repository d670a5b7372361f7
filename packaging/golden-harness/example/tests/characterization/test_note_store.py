"""Characterization of NoteStore.add: the files it writes and the git commands it runs."""

from notebook.store import NoteStore

from golden_harness import Recorder, Seam

GOLDEN_SEAM = Seam("note_store", covers=["notebook.store:NoteStore.add"])


def test_add_note(golden: Recorder) -> None:
    golden.subprocess(["git", "add", "notes/shopping-list.md"])
    golden.subprocess(["git", "commit", golden.any()])
    golden.subprocess(["git", "rev-parse", "--short", "HEAD"], stdout="1a2b3c4\n")
    store = NoteStore(golden.workspace)
    golden.call(store.add, "Shopping list", "milk, eggs")
