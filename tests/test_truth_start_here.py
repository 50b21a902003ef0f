"""Lesson 00 says only true things: each sentence and each computed answer, for several learners.

Every fact the lesson or a model answer states is recomputed here with plain numpy/pandas,
independently of ``pm_toolkit.course.start_here``, at the ``small`` scale the lesson uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pm_toolkit import data, metrics
from pm_toolkit.course import start_here as sh
from pm_toolkit.exercises import LearnerContext, lesson


@pytest.fixture
def world(truth_seed):
    tables = {t: data.load(t, scale="small", seed=truth_seed) for t in ("orders", "sessions")}
    ctx = LearnerContext(seed=truth_seed, scale="small", learner=f"truth-{truth_seed}")
    return tables["orders"], tables["sessions"], ctx


def _by_hand_conversion(sessions: pd.DataFrame, orders: pd.DataFrame) -> pd.Series:
    ids = set(orders["session_id"].dropna().tolist())
    hit = np.array([s in ids for s in sessions["session_id"].tolist()])
    devices = sessions["device"].to_numpy()
    return pd.Series({d: hit[devices == d].mean() for d in np.unique(devices)})


def test_the_shop_sentence(world):
    orders, sessions, _ = world
    f = sh.your_shop(orders, sessions)
    counts = orders["payment_method"].value_counts()
    assert f.facts["orders"] == len(orders) and f.facts["sessions"] == len(sessions)
    assert f.facts["top_method"] == counts.index[0] and counts.iloc[0] > counts.iloc[1]
    span = orders["order_ts"].max().normalize() - orders["order_ts"].min().normalize()
    assert f.facts["days"] in (span.days, span.days + 1)
    assert f"{len(orders):,} orders" in f.text and sh.PAYMENT_NAMES[counts.index[0]] in f.text


def test_the_words_about_which_orders_count_follow_metrics(world):
    orders, _, ctx = world
    left_out = sh.not_sales()
    kept = orders[~orders["status"].isin(left_out)]
    by_hand = kept["net_value"].sum() / len(kept)
    assert metrics.average_order_value(orders).value == pytest.approx(by_hand, rel=1e-12)
    assert lesson("start_here", ctx=ctx)["aov"].exercise.expected(ctx) == pytest.approx(by_hand)
    prompt = lesson("start_here", ctx=ctx)["aov"].exercise.prompt
    assert all(f"`{s}`" in prompt for s in left_out)
    assert not any(f"`{s}`" in prompt for s in set(sh.STATUSES) - set(left_out))


def test_conversion_answer(world):
    orders, sessions, ctx = world
    by_hand = sessions["session_id"].isin(set(orders["session_id"].dropna())).mean()
    assert lesson("start_here", ctx=ctx)["conversion"].exercise.expected(ctx) == pytest.approx(
        by_hand, abs=1e-12
    )


def test_the_payment_method_to_nudge_is_the_highest_failed_share(world):
    orders, _, ctx = world
    shares = {
        m: np.mean([s in ("cancelled", "rto") for s in g["status"]])
        for m, g in orders.groupby("payment_method")
    }
    ranked = sorted(shares.items(), key=lambda kv: -kv[1])
    assert ranked[0][1] > ranked[1][1]  # a clear winner: the question has one right answer
    b = lesson("start_here", ctx=ctx)["nudge_target"]
    assert b.exercise.expected(ctx) == sh.PAYMENT_NAMES[ranked[0][0]]


def test_revenue_table_answer(world):
    orders, _, ctx = world
    kept = orders[~orders["status"].isin(sh.not_sales())]
    b = lesson("start_here", ctx=ctx)["revenue_by_payment"]
    got = b.exercise.expected(ctx).set_index("payment_method")["revenue"]
    for method, group in kept.groupby("payment_method"):
        assert got[method] == pytest.approx(float(np.sum(group["net_value"].to_numpy())))


def test_the_memo_call_evidence_numbers_and_model_answer_are_true(world):
    orders, sessions, ctx = world
    conv = _by_hand_conversion(sessions, orders)
    n = sessions["device"].value_counts()
    best = conv.idxmax()
    gain = {d: n[d] * (conv[best] - conv[d]) for d in conv.index}
    first = max(gain, key=gain.get)
    key = sh._memo_key(ctx)
    assert key.call == sh.DEVICE_CALLS[first]
    assert key.numbers["mobile-web conversion"] == pytest.approx(conv["mobile_web"])
    assert key.numbers["desktop conversion"] == pytest.approx(conv["desktop"])
    # the two points marked as belonging are true of this learner's data
    assert (sh.EVIDENCE_MOST_SESSIONS in key.evidence) == (n.idxmax() == "mobile_web")
    assert (sh.EVIDENCE_BELOW_DESKTOP in key.evidence) == (conv["mobile_web"] < conv["desktop"])
    assert key.evidence  # a memo with nothing to tick cannot be answered
    finding = sh.device_gaps(sessions, orders).finding
    assert finding.facts["fix_first"] == first and finding.facts["best"] == best
    assert finding.facts["half_gap_orders"] == pytest.approx(0.5 * gain[first])
    model = lesson("start_here", ctx=ctx)["device_memo"].exercise.kind.model_answer_text(ctx)
    assert model.startswith(f"Fix {sh.DEVICE_NAMES[first]} first")
    assert f"{100 * conv[first]:.2f}%" in model and f"{100 * conv[best]:.2f}%" in model
    assert f"{n[first] / n.sum():.0%}" in model


def test_the_memo_reference_answer_passes_its_own_check(world):
    _, _, ctx = world
    b = lesson("start_here", ctx=ctx)["device_memo"]
    assert b.exercise.evaluate(b.exercise.reference_answer(ctx), ctx).correct
