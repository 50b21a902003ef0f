"""Cohorts, answer sheets, the answer codec and the instructor commands (no kernels here)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from pm_toolkit import cli, learner
from pm_toolkit.exercises.answer_codec import Unreadable, decode_answer, encode_answer
from pm_toolkit.instructor import answer_sheet, create_cohort, load_roster
from pm_toolkit.instructor.cohort import RosterError, parse_learners


def write(tmp_path, text, name="learners.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- reading a learners file ----------------------------------------------------------------


def test_plain_list_with_names_comments_and_blank_lines():
    pairs, dupes = parse_learners(
        "# batch 7\nasha@example.in\n\nRavi Kumar <Ravi@Example.in>\nmeera_iyer\n"
    )
    assert pairs == [
        ("asha@example.in", "asha@example.in"),
        ("Ravi Kumar", "ravi@example.in"),
        ("meera_iyer", "meera_iyer"),
    ]
    assert dupes == []


def test_csv_with_header_in_any_column_order():
    pairs, _ = parse_learners(
        'Name,Email\nAsha Rao,asha@example.in\n"Kumar, Ravi",ravi@example.in\n'
    )
    assert pairs == [("Asha Rao", "asha@example.in"), ("Kumar, Ravi", "ravi@example.in")]


def test_duplicates_are_dropped_ignoring_case_and_reported_by_line():
    pairs, dupes = parse_learners("asha@example.in\nravi@example.in\n  ASHA@example.IN \n")
    assert [lid for _, lid in pairs] == ["asha@example.in", "ravi@example.in"]
    assert dupes == ["line 3: ASHA@example.IN is the same learner as line 1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "asha@example.in\nravi at example.in\n",
            "line 2: 'ravi at example.in' is not a valid learner id",
        ),
        ("asha@example\n", "line 1: 'asha@example' is not a valid email"),
        ("asha@example.in\nneha/../x\n", "line 2: 'neha/../x' is not a valid learner id"),
        ("email,name\nasha@example.in,Asha\n,Ravi\n", "line 3: no value in the 'email' column"),
        (
            "name,city\nAsha,Pune\n",
            "line 1: a CSV needs a header row with an 'email' or 'id' column",
        ),
        ("\n# nobody yet\n", "the learners file has no learners"),
        ("asha__x@example.in\n", "line 1: 'asha__x@example.in' is not a valid learner id"),
    ],
)
def test_bad_learners_files_say_which_line_and_what_to_do(text, message):
    with pytest.raises(RosterError) as exc:
        parse_learners(text)
    assert str(exc.value).startswith(message)


# -- rosters ----------------------------------------------------------------------------------


def test_create_writes_csv_and_json_with_each_learners_own_seed(tmp_path):
    roster = create_cohort(
        "PM-Batch-7", write(tmp_path, "asha@example.in\nravi@example.in\n"), tmp_path
    )
    folder = tmp_path / "pm-batch-7"
    assert roster.path == folder / "roster.csv"
    doc = json.loads((folder / "roster.json").read_text(encoding="utf-8"))
    assert [m["seed"] for m in doc["learners"]] == [
        learner.seed_for("asha@example.in"),
        learner.seed_for("ravi@example.in"),
    ]
    assert len({m.seed for m in roster.members}) == 2
    for path in (folder, folder / "roster.csv", folder / "roster.json"):
        assert load_roster(path).members == roster.members


def test_learner_who_sets_their_id_gets_the_roster_seed(tmp_path, monkeypatch):
    monkeypatch.setenv("PM_TOOLKIT_HOME", str(tmp_path / "laptop"))
    monkeypatch.delenv("PM_TOOLKIT_LEARNER", raising=False)
    roster = create_cohort("b7", write(tmp_path, "Asha@Example.in\n"), tmp_path)
    learner.set_learner("  asha@example.IN")
    assert learner.current_seed() == roster.members[0].seed


def test_a_hand_edited_seed_is_refused(tmp_path):
    roster = create_cohort("b7", write(tmp_path, "asha@example.in\n"), tmp_path)
    text = roster.path.read_text(encoding="utf-8")
    roster.path.write_text(text.replace(str(roster.members[0].seed), "12345"), encoding="utf-8")
    with pytest.raises(RosterError, match=r"seed 12345 does not belong to asha@example\.in"):
        load_roster(roster.path)


def test_a_seed_that_is_not_a_number_is_refused_with_a_one_line_error(tmp_path, capsys):
    roster = create_cohort("b7", write(tmp_path, "asha@example.in\n"), tmp_path)
    text = roster.path.read_text(encoding="utf-8")
    roster.path.write_text(text.replace(str(roster.members[0].seed), "abc"), encoding="utf-8")
    with pytest.raises(RosterError, match=r"seed abc does not belong to asha@example\.in"):
        load_roster(roster.path)
    assert cli.main(["cohort", "show", str(roster.path)]) == 2
    assert "recreate the roster" in capsys.readouterr().err


def test_cohort_create_command(tmp_path, capsys):
    learners = write(tmp_path, "asha@example.in\nravi@example.in\nASHA@example.in\n")
    code = cli.main(["cohort", "create", "b7", "--learners", str(learners), "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "skipped duplicate, line 3" in out and "2 learners" in out
    assert (tmp_path / "b7" / "roster.csv").exists()


def test_cohort_create_command_names_the_bad_line(tmp_path, capsys):
    learners = write(tmp_path, "asha@example.in\n\nnot an id\n")
    code = cli.main(["cohort", "create", "b7", "--learners", str(learners), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "line 3: 'not an id' is not a valid learner id" in err
    assert not (tmp_path / "b7").exists()


def test_cohort_create_command_missing_file(tmp_path, capsys):
    code = cli.main(["cohort", "create", "b7", "--learners", str(tmp_path / "nope.txt")])
    assert code == 2 and "no learners file" in capsys.readouterr().err


# -- expected answers ------------------------------------------------------------------------------


def test_cohort_answers_recomputes_a_learners_expected_answers(tmp_path, capsys):
    roster = create_cohort("b7", write(tmp_path, "asha@example.in\n"), tmp_path)
    args = ["cohort", "answers", str(roster.path), "ASHA@example.in", "--lesson", "start_here"]
    assert cli.main([*args, "--scale", "tiny"]) == 0
    out = capsys.readouterr().out
    aov = (450 + 1200 + 850) / 3
    assert f"₹{aov:,.2f}" in out and "Instructor only".lower() in out.lower()
    html_file = tmp_path / "asha.html"
    assert cli.main([*args, "--scale", "tiny", "--html", str(html_file)]) == 0
    assert f"₹{aov:,.2f}" in html_file.read_text(encoding="utf-8")
    assert cli.main(["cohort", "answers", str(roster.path), "zoe@example.in"]) == 2
    assert "not in cohort b7" in capsys.readouterr().err


def test_answer_sheets_differ_between_learners_on_their_own_data():
    from pm_toolkit.course import lesson_keys
    from pm_toolkit.instructor.cohort import Member

    keys = [k for k in lesson_keys() if k != "start_here"]
    if not keys:
        pytest.skip("no lesson with data-based exercises is registered yet")
    # Every reference computes for a learner other than the default one. (On `small`, the scale
    # workshops use, `make solutions` checks every answer for a non-default learner.)
    a = answer_sheet(
        Member("A", "asha@example.in", learner.seed_for("asha@example.in")), keys, "tiny"
    )
    b = answer_sheet(
        Member("R", "ravi@example.in", learner.seed_for("ravi@example.in")), keys, "tiny"
    )
    broken = [x.exercise_id for x in a.answers if x.text.startswith("(could not compute")]
    assert broken == [], f"reference answers that fail on this learner's data: {broken}"
    assert [x.exercise_id for x in a.answers] == [x.exercise_id for x in b.answers]
    assert any(x.text != y.text for x, y in zip(a.answers, b.answers, strict=True))


# -- the answer codec --------------------------------------------------------------------------------


def roundtrip(value):
    return decode_answer(json.loads(json.dumps(encode_answer(value))))


def test_codec_keeps_numbers_text_and_containers_exact():
    value = {"a": (1, 2.5, "₹1,200"), "b": [None, True], "c": {3, 4}, 7: 2**70}
    assert roundtrip(value) == value
    assert math.isnan(roundtrip(float("nan"))) and roundtrip(float("-inf")) == float("-inf")
    assert roundtrip(np.float64(0.125)) == 0.125 and roundtrip(np.int64(3)) == 3


def test_codec_keeps_tables_with_dtypes_and_index():
    df = pd.DataFrame(
        {"city": ["pune", "kochi"], "revenue": [1098.0, 3300.0], "orders": [2, 3]},
        index=pd.Index([10, 11], name="k"),
    )
    back = roundtrip(df)
    pd.testing.assert_frame_equal(back, df)
    s = pd.Series([1.5, 2.5], name="aov")
    pd.testing.assert_series_equal(roundtrip(s), s)


def test_codec_never_carries_live_objects():
    class Rigged:
        def __eq__(self, other):
            return True

    back = roundtrip(Rigged())
    assert isinstance(back, Unreadable) and back != 833.33
    from pm_toolkit.course import exercises_for
    from pm_toolkit.exercises import LearnerContext

    aov = exercises_for("start_here")[0]
    assert aov.evaluate(back, LearnerContext(seed=1, scale="tiny")).status != "correct"


def test_placeholder_and_judgement_survive():
    from pm_toolkit.exercises import JudgementAnswer, ____

    assert roundtrip(____) is ____
    assert roundtrip(JudgementAnswer("compare cohorts", ticks=[1, 3])) == JudgementAnswer(
        "compare cohorts", ticks=[1, 3]
    )


def test_capture_records_the_answer_and_leaves_the_outcome_alone(tmp_path, monkeypatch):
    from pm_toolkit.exercises import LearnerContext, lesson
    from pm_toolkit.exercises.bound import BoundExercise
    from pm_toolkit.instructor import capture
    from pm_toolkit.instructor.executor import read_answers

    monkeypatch.setattr(BoundExercise, "_check", BoundExercise._check)  # restored afterwards
    path = tmp_path / "answers.jsonl"
    capture.install(str(path))
    ex = lesson("start_here", ctx=LearnerContext(seed=5, scale="tiny"))
    outcome = ex["three_orders"].check("₹2,500")
    assert outcome.status == "incorrect"
    (rec,) = read_answers(path)
    assert rec["exercise"] == "start_here.three_orders" and rec["answer"] == "₹2,500"
    assert rec["scale"] == "tiny" and rec["seed"] == 5


# -- the pack through `pm-toolkit build --instructor` ------------------------------------------------


def test_build_instructor_writes_the_pack(tmp_path, capsys):
    import nbformat

    v4 = nbformat.v4
    src = v4.new_notebook()
    src.cells = [
        v4.new_code_cell(
            "from pm_toolkit.exercises import lesson, ____\nex = lesson('start_here')\n"
            "# BEGIN SOLUTION\naov = 2500 / 3\n# END SOLUTION\n# LEARNER: aov = ____\n"
            "ex['aov'].check(aov)"
        )
    ]
    (tmp_path / "exercises" / "source").mkdir(parents=True)
    nbformat.write(src, tmp_path / "exercises" / "source" / "00_demo.ipynb")
    roster = create_cohort("b7", write(tmp_path, "asha@example.in\nravi@example.in\n"), tmp_path)
    kit = tmp_path / "kit"
    code = cli.main(
        ["build", "--root", str(tmp_path), "--instructor", str(kit), "--roster", str(roster.path),
         "--answers-scale", "tiny", "--lessons", "start_here"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr()
    assert "aov = ____" in (kit / "learner" / "exercises" / "00_demo.ipynb").read_text()
    assert "aov = 2500 / 3" in (kit / "solutions" / "00_demo.ipynb").read_text()
    sheets = (kit / "answer_sheets" / "b7.html").read_text(encoding="utf-8")
    assert "asha@example.in" in sheets and "ravi@example.in" in sheets
    assert (
        "ravi@example.in" not in (kit / "answer_sheets" / "b7" / "asha@example.in.html").read_text()
    )
    assert (kit / "roster.csv").exists() and "answer_sheets/b7.html" in (
        kit / "README.md"
    ).read_text()


def test_build_refuses_an_unknown_lesson(tmp_path, capsys):
    (tmp_path / "exercises" / "source").mkdir(parents=True)
    roster = create_cohort("b7", write(tmp_path, "asha@example.in\n"), tmp_path)
    code = cli.main(
        ["build", "--root", str(tmp_path), "--instructor", str(tmp_path / "kit"),
         "--roster", str(roster.path), "--lessons", "metrics,recipes"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "no lesson recipes" in err and "start_here" in err


def test_grade_command_reports_a_missing_folder(tmp_path, capsys):
    roster = create_cohort("b7", write(tmp_path, "asha@example.in\n"), tmp_path)
    code = cli.main(["grade", str(tmp_path / "nope"), "--roster", str(roster.path)])
    assert code == 2 and "no folder" in capsys.readouterr().err


# -- re-checking in a child process ------------------------------------------------------------------


def test_an_answer_too_slow_to_check_is_stopped_and_the_rest_still_count():
    import time

    from pm_toolkit.instructor.recheck import recheck_isolated

    endless = (
        "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) "
        "SELECT payment_method, COUNT(*) AS orders FROM orders, t GROUP BY payment_method"
    )
    records = [
        {"exercise": "start_here.orders_by_payment", "answer": endless, "scale": "tiny"},
        {"exercise": "start_here.three_orders", "answer": "₹2,500"},
        {"exercise": "start_here.three_orders", "answer": 833.33},
        {"exercise": "no_such_lesson.q", "answer": 1},
    ]
    started = time.monotonic()
    grades = recheck_isolated(records, seed=7, time_limit=3)
    assert time.monotonic() - started < 40
    assert set(grades) == {"start_here.orders_by_payment", "start_here.three_orders"}
    assert grades["start_here.orders_by_payment"].status == "could_not_check"
    assert "longer than 3 s" in grades["start_here.orders_by_payment"].message
    aov = grades["start_here.three_orders"]
    assert (aov.status, aov.attempts) == ("correct", 2)
    assert aov.mistakes == ("That is the total revenue; divide it by the number of orders.",)


def test_learner_code_runs_without_the_instructors_environment(tmp_path, monkeypatch):
    from pm_toolkit.instructor.executor import RunSpec, kernel_env

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "do-not-leak")
    monkeypatch.setenv("PM_TOOLKIT_STRICT", "1")
    env = kernel_env(RunSpec("0", None, "asha@example.in", tmp_path, tmp_path / "data"))
    assert "AWS_SECRET_ACCESS_KEY" not in env and "PM_TOOLKIT_STRICT" not in env
    assert env["PM_TOOLKIT_LEARNER"] == "asha@example.in"
    assert env["HOME"].startswith(str(tmp_path)) and env["PM_TOOLKIT_HOME"].startswith(
        str(tmp_path)
    )
    assert env["PM_TOOLKIT_DATA_DIR"] == str((tmp_path / "data").resolve())
    assert env["OMP_NUM_THREADS"] == "1"  # kernels graded side by side share the cores
    from pm_toolkit.config import KERNEL_MEMORY_ENV

    assert KERNEL_MEMORY_ENV.items() <= env.items()  # a grading kernel hands freed memory back


HUNDRED = 100


def _share(discount_pct):
    return 1 - discount_pct / HUNDRED


def _price_with_helper(mrp, discount_pct):
    return round(mrp * _share(discount_pct), 2)


def test_function_answers_are_rerun_from_source_with_their_helpers_and_lambdas():
    from pm_toolkit.instructor.recheck import recheck

    def status(fn):
        records = [{"exercise": "start_here.discounted_price", "answer": encode_answer(fn)}]
        return recheck(records, seed=3)["start_here.discounted_price"].status

    assert status(_price_with_helper) == "correct"  # helper and constant travel with it
    assert status(lambda mrp, d: round(mrp * (1 - d / 100), 2)) == "correct"
    assert status(lambda mrp, d: mrp - d) == "incorrect"


def test_a_decoded_function_is_sent_to_the_sandbox_in_the_recorded_form():
    from pm_toolkit.exercises.answer_codec import FunctionSource
    from pm_toolkit.instructor import sandbox

    recorded = json.loads(json.dumps(encode_answer(_price_with_helper)))
    src = decode_answer(recorded)
    assert isinstance(src, FunctionSource) and src.helpers and src.constants
    assert sandbox.encode_function_source(src) == recorded


def test_a_real_progress_export_is_rechecked_as_correct(tmp_path, monkeypatch):
    """The engine keeps each answered exercise's raw answer, so an export proves itself."""
    from pm_toolkit import cli as main_cli
    from pm_toolkit.exercises import LearnerContext, lesson
    from pm_toolkit.instructor.cohort import create_cohort, load_roster
    from pm_toolkit.instructor.grade import grade

    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path / "progress"))
    monkeypatch.setenv("PM_TOOLKIT_LEARNER", "zoya@example.in")
    ex = lesson("start_here", ctx=LearnerContext(scale="tiny"))
    assert ex.q1.check(ex.q1.exercise.reference_answer(ex.q1.ctx)).correct
    assert ex["conversion"].check("99%").status == "incorrect"
    subs = tmp_path / "subs"
    subs.mkdir()
    assert main_cli.main(["progress", "--export", str(subs / "zoya-progress.json")]) == 0

    (tmp_path / "learners.txt").write_text("zoya@example.in\n", encoding="utf-8")
    roster = create_cohort("solo", tmp_path / "learners.txt", tmp_path / "cohorts")
    book = grade(subs, load_roster(roster.path), tmp_path / "grades", scale="tiny")
    assert book.status_of("zoya@example.in", ex.q1.id) == "correct"
    assert book.status_of("zoya@example.in", "start_here.conversion") == "incorrect"


@pytest.mark.parametrize(
    ("filename", "owner"),
    [
        ("asha@example.in__02_web_metrics.ipynb", "asha@example.in"),
        ("Asha@Example.in-lesson2.ipynb", "asha@example.in"),
        ("02_web_metrics (asha@example.in).ipynb", "asha@example.in"),
        ("masha@example.in__02_web_metrics.ipynb", None),  # someone else, not on the roster
        ("asha@example.india.ipynb", None),
    ],
)
def test_a_file_name_credits_only_a_whole_roster_id(filename, owner):
    from pm_toolkit.instructor.submissions import classify_name

    assert classify_name(filename, ["asha@example.in", "ravi@example.in"]) == owner


def test_prepare_generates_each_learners_world_once_read_only_and_resumes(tmp_path, capsys):
    from pm_toolkit import data
    from pm_toolkit.instructor.cohort import make_roster, prepare_cohort

    roster = make_roster("hub", [("Asha", "asha@example.in"), ("Ravi", "ravi@example.in")])
    shared = tmp_path / "shared"
    first = prepare_cohort(roster, shared, scales=["tiny"], include_default=False, progress=False)
    assert first.generated == ("asha@example.in/tiny", "ravi@example.in/tiny")
    for m in roster.members:
        world = shared / "tiny" / f"seed-{m.seed}"
        assert data.store._complete(world)
        modes = {p.stat().st_mode & 0o777 for p in [world, *world.rglob("*")]}
        assert modes <= {0o755, 0o644}, modes  # everyone reads; only the owner writes
    # resumable: a grown roster only costs the new learner; a finished world is never redone
    bigger = make_roster(
        "hub", [*((m.name, m.learner_id) for m in roster.members), ("Z", "z@x.in")]
    )
    again = prepare_cohort(bigger, shared, scales=["tiny"], include_default=False, progress=False)
    assert again.generated == ("z@x.in/tiny",) and len(again.already) == 2
    assert "3 learner world(s) ready" in str(again)


def test_prepare_command_reports_and_learners_read_the_shared_copy(tmp_path, monkeypatch, capsys):
    from pm_toolkit import data

    (tmp_path / "learners.txt").write_text("asha@example.in\n", encoding="utf-8")
    roster = create_cohort("hub", tmp_path / "learners.txt", tmp_path / "cohorts")
    shared = tmp_path / "shared"
    assert (
        cli.main(["cohort", "prepare", str(roster.path), "--into", str(shared), "--scale", "tiny"])
        == 0
    )
    assert "2 learner world(s) ready" in capsys.readouterr().out  # asha and the default learner
    monkeypatch.setenv("PM_TOOLKIT_SHARED_DATA", str(shared))
    monkeypatch.setenv("PM_TOOLKIT_DATA_DIR", str(tmp_path / "own"))
    monkeypatch.setenv("PM_TOOLKIT_LEARNER", "asha@example.in")
    assert data.folder("tiny") == shared / "tiny" / f"seed-{learner.seed_for('asha@example.in')}"
    assert len(data.load("orders", scale="tiny")) > 0
    assert int(data.sql("SELECT COUNT(*) AS n FROM orders", scale="tiny")["n"][0]) > 0
    assert not (tmp_path / "own").exists()  # nothing generated in the learner's home
