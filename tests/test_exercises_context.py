"""The learner context: its per-context cache of computed references."""

from __future__ import annotations

import pytest

from pm_toolkit.exercises import LearnerContext


def ctx() -> LearnerContext:
    return LearnerContext(seed=5, scale="tiny", learner="context-test", tables={})


def test_cached_computes_once_per_key_and_context():
    calls: list[str] = []

    def make(tag: str):
        def compute() -> str:
            calls.append(tag)
            return tag

        return compute

    c = ctx()
    assert c.cached("t:a", make("a")) == "a"
    assert c.cached("t:a", make("other")) == "a"  # cached: the second maker is never run
    assert c.cached("t:b", make("b")) == "b"
    assert calls == ["a", "b"]
    assert c.cache == {"t:a": "a", "t:b": "b"}
    assert ctx().cached("t:a", make("fresh")) == "fresh"  # a new context computes again
    assert calls == ["a", "b", "fresh"]


def test_cached_keeps_falsy_values_and_allows_nested_keys():
    c = ctx()
    calls: list[int] = []
    assert c.cached("t:none", lambda: calls.append(1)) is None
    assert c.cached("t:none", lambda: calls.append(1)) is None
    assert calls == [1]
    outer = c.cached("t:outer", lambda: c.cached("t:inner", lambda: 2) + 1)
    assert (outer, c.cache["t:inner"]) == (3, 2)


def test_cached_does_not_store_a_failed_computation():
    c = ctx()

    def boom() -> int:
        raise RuntimeError("no data")

    with pytest.raises(RuntimeError, match="no data"):
        c.cached("t:x", boom)
    assert "t:x" not in c.cache
    assert c.cached("t:x", lambda: 4) == 4
