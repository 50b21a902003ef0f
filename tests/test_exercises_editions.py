"""Learner and solution editions from one source notebook; committed editions are current."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from pm_toolkit.cli import main
from pm_toolkit.exercises.editions import EditionError, build, sources, transform_source

ROOT = Path(__file__).resolve().parents[1]

CELL = """from pm_toolkit.exercises import lesson, ____
ex = lesson("start_here")"""
SOLUTION = """# BEGIN SOLUTION
aov = (450 + 1200 + 850) / 3
# END SOLUTION
# LEARNER: aov = ____  # your answer
ex.q1.check(aov)"""
FN = """def discounted_price(mrp, discount_pct):
    # BEGIN SOLUTION
    return round(mrp * (1 - discount_pct / 100), 2)
    # END SOLUTION
    # LEARNER: pass  # your code here
ex.q7.check(discounted_price)"""


def _source(root: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Demo\n<!-- BEGIN SOLUTION -->\nsecret note\n<!-- END SOLUTION -->"
        ),
        nbformat.v4.new_code_cell(CELL),
        nbformat.v4.new_code_cell(SOLUTION),
        nbformat.v4.new_code_cell(FN),
        nbformat.v4.new_code_cell("# SOLUTION CELL\nprint('only for solutions')"),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["solution"]}),
    ]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="stale output")]
    nb.cells[1].execution_count = 3
    path = root / "exercises" / "source" / "01_demo.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


def test_transform_markers():
    learner = transform_source(SOLUTION, "learner")
    assert learner == "aov = ____  # your answer\nex.q1.check(aov)"
    assert (
        transform_source(SOLUTION, "solution") == "aov = (450 + 1200 + 850) / 3\nex.q1.check(aov)"
    )
    assert "    pass  # your code here" in transform_source(FN, "learner")
    for bad in (
        "# BEGIN SOLUTION\nx=1",
        "# END SOLUTION",
        "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION",
    ):
        with pytest.raises(EditionError):
            transform_source(bad, "learner")


def test_build_writes_clean_byte_stable_editions(tmp_path):
    _source(tmp_path)
    results = build(tmp_path)
    assert {r.status for r in results} == {"written"}
    learner = nbformat.read(tmp_path / "exercises" / "01_demo.ipynb", as_version=4)
    solution = nbformat.read(tmp_path / "exercises" / "solutions" / "01_demo.ipynb", as_version=4)
    ltext = "\n".join(c.source for c in learner.cells)
    stext = "\n".join(c.source for c in solution.cells)
    assert (
        "1200 + 850" not in ltext
        and "secret note" not in ltext
        and "only for solutions" not in ltext
    )
    assert "aov = ____" in ltext and "BEGIN" not in ltext and "LEARNER" not in ltext
    assert "1200 + 850" in stext and "only for solutions" in stext and "SOLUTION CELL" not in stext
    assert "aov = ____" not in stext and "LEARNER" not in stext
    assert len(learner.cells) == 4 and len(solution.cells) == 6
    for nb in (learner, solution):
        assert nb.metadata.kernelspec.name == "python3" and "widgets" not in nb.metadata
        for c in nb.cells:
            if c.cell_type == "code":
                assert c.outputs == [] and c.execution_count is None
            assert "solution" not in c.metadata.get("tags", [])
    nbformat.validate(learner)
    before = (tmp_path / "exercises" / "01_demo.ipynb").read_bytes()
    assert {r.status for r in build(tmp_path)} == {"unchanged"}
    assert (tmp_path / "exercises" / "01_demo.ipynb").read_bytes() == before


def test_build_check_flags_out_of_date_editions(tmp_path, capsys):
    src = _source(tmp_path)
    assert main(["build", "--check", "--root", str(tmp_path)]) == 1  # missing editions
    assert main(["build", "--root", str(tmp_path)]) == 0
    assert main(["build", "--check", "--root", str(tmp_path)]) == 0
    nb = nbformat.read(src, as_version=4)
    nb.cells[2].source = nb.cells[2].source.replace("/ 3", "/ 3.0")
    nbformat.write(nb, src)
    assert main(["build", "--check", "--root", str(tmp_path)]) == 1
    assert "out of date" in capsys.readouterr().out


def test_build_without_sources_is_a_one_line_error(tmp_path, capsys):
    assert main(["build", "--root", str(tmp_path)]) == 2
    assert "exercises/source" in capsys.readouterr().err


@pytest.mark.parametrize("src", sources(ROOT), ids=lambda p: p.name)
def test_committed_editions_are_up_to_date(src):
    results = [r for r in build(ROOT, check=True) if r.source == src]
    stale = [str(r.target.relative_to(ROOT)) for r in results if r.status != "unchanged"]
    assert not stale, f"run `pm-toolkit build` and commit: {stale}"


def test_learner_edition_json_has_no_outputs(tmp_path):
    _source(tmp_path)
    build(tmp_path)
    raw = json.loads((tmp_path / "exercises" / "01_demo.ipynb").read_text())
    assert all(c.get("outputs", []) == [] for c in raw["cells"])


def test_a_cell_left_empty_by_an_edition_is_dropped():
    import nbformat

    from pm_toolkit.exercises.editions import make_edition

    src = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("# LEARNER: answer = ____"),
            nbformat.v4.new_code_cell("ex.q1.check(answer)"),
        ]
    )
    solution = make_edition(src, "solution", stem="t")
    learner = make_edition(src, "learner", stem="t")
    assert [c.source for c in solution.cells] == ["ex.q1.check(answer)"]
    assert [c.source for c in learner.cells] == ["answer = ____", "ex.q1.check(answer)"]
