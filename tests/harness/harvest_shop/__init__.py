"""A small god class run for real under a Harvester in ``test_harvest.py``.

``Workshop.review`` reads plain attributes, calls a collaborator object (``self.llm``), a
module-level function imported under an alias (``grading.score``), a method of its own that the
seams cut (``self._fetch_notes``), a real method (``self._label``), git through
``subprocess.run`` and a workspace file; ``summarize`` is a function entry with a subject,
called from inside ``review``.
"""
