"""The instructor's workshop kit: cohorts, answer sheets, an instructor pack, and a grader.

>>> from pm_toolkit.instructor import make_roster
>>> roster = make_roster("pm-batch-7", [("Asha Rao", "asha@example.in")])
>>> roster.members[0].seed == __import__("pm_toolkit").learner.seed_for("asha@example.in")
True

- ``create_cohort(name, learners_file)`` writes a roster; ``load_roster(path)`` reads it.
- ``answer_sheet(member)`` recomputes one learner's expected answers (instructor only).
- ``build_pack(out_dir, roster)`` writes editions, the facilitator guide and answer sheets.
- ``grade(submissions_dir, roster, out_dir)`` runs, re-checks and writes the gradebook.

The command line: ``pm-toolkit cohort create|show|answers``, ``pm-toolkit grade`` and
``pm-toolkit build --instructor DIR --roster FILE``. The workflow is in ``docs/facilitator.md``.
"""

from __future__ import annotations

from pm_toolkit.instructor.answersheet import AnswerSheet, answer_sheet
from pm_toolkit.instructor.cohort import (
    Member,
    Roster,
    RosterError,
    create_cohort,
    load_roster,
    make_roster,
)
from pm_toolkit.instructor.grade import Gradebook, GradeRow, grade
from pm_toolkit.instructor.pack import Pack, build_pack

__all__ = [
    "AnswerSheet",
    "GradeRow",
    "Gradebook",
    "Member",
    "Pack",
    "Roster",
    "RosterError",
    "answer_sheet",
    "build_pack",
    "create_cohort",
    "grade",
    "load_roster",
    "make_roster",
]
