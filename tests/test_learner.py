from __future__ import annotations

import pytest

from pm_toolkit import config, learner


def test_default_learner_uses_the_course_seed():
    assert learner.current_learner() == "default"
    assert learner.current_seed() == config.DEFAULT_SEED


def test_set_learner_persists_and_changes_the_seed(monkeypatch, tmp_path):
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path))
    assert learner.set_learner("  Asha@Example.IN ") == "asha@example.in"
    assert learner.current_learner() == "asha@example.in"
    assert learner.current_seed() == learner.seed_for("asha@example.in") != config.DEFAULT_SEED


def test_environment_variable_overrides_the_saved_learner(monkeypatch, tmp_path):
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path))
    learner.set_learner("asha@example.in")
    monkeypatch.setenv(config.LEARNER_ENV, "ravi@example.in")
    assert learner.current_learner() == "ravi@example.in"


def test_two_learners_get_different_seeds():
    seeds = {learner.seed_for(f"learner{i}@example.in") for i in range(200)}
    assert len(seeds) == 200


def test_corrupted_learner_file_falls_back_to_default(monkeypatch, tmp_path):
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path))
    (tmp_path / "learner.json").write_text("{not json", encoding="utf-8")
    assert learner.current_learner() == "default"


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_empty_or_non_text_ids_are_refused(bad):
    with pytest.raises(ValueError, match="non-empty text"):
        learner.set_learner(bad)
