"""Realism of the experiments family: coin-flip assignment, a detectable SRM bug, CUPED's covariate.

These call the generator of the assignments directly (no full world), so many seeds are cheap.
The seeds are CI's default (2026) plus 1..30, the set the experimentation lesson is checked on.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats

from pm_toolkit.data import experiments as E

SEEDS = (2026, *range(1, 31))
HEALTHY = ("exp_01", "exp_02", "exp_04", "exp_05", "exp_06")


@cache
def _world(seed: int, scale: str) -> tuple[pa.Table, dict]:
    truth: dict = {}
    return pa.concat_tables(list(E.assignment_parts(seed, scale, truth))), truth


def _split(table: pa.Table, exp: str) -> tuple[int, int]:
    rows = table.filter(pa.compute.equal(table["experiment_id"], exp))
    treated = int(pa.compute.sum(pa.compute.equal(rows["variant"], "treatment")).as_py())
    return rows.num_rows - treated, treated


def _srm_p(table: pa.Table, exp: str, split: float) -> float:
    c, t = _split(table, exp)
    return float(stats.chisquare([c, t], [(c + t) * (1 - split), (c + t) * split]).pvalue)


def _col(table: pa.Table, exp: str | None, name: str) -> np.ndarray:
    if exp is not None:
        table = table.filter(pa.compute.equal(table["experiment_id"], exp))
    return table[name].to_numpy()


def test_assignment_is_a_coin_flip_not_an_exact_split():
    ps = []
    for seed in SEEDS:
        table, truth = _world(seed, "small")
        for exp in HEALTHY:
            c, t = _split(table, exp)
            ps.append(_srm_p(table, exp, truth[exp]["planned_split"]))
            # healthy experiments: binomial noise only, never an alarm on the CI seeds
            assert ps[-1] > 1e-3, (seed, exp, c, t)
    # an exact split would give p == 1.0 everywhere; coin flips give uniform p-values
    assert sum(p == 1.0 for p in ps) <= 2
    assert stats.kstest(ps, "uniform").pvalue > 1e-3
    assert "coin flip" in _world(2026, "small")[1]["exp_01"]["assignment"]


def test_planted_srm_is_caught_on_every_seed():
    for seed in SEEDS:
        table, truth = _world(seed, "small")
        bug = truth["exp_03"]["srm_bug"]
        assert bug["dropped_share_of_low_intent_treatment"] == pytest.approx(0.55)
        assert bug["rows_dropped"] > 0
        p = _srm_p(table, "exp_03", truth["exp_03"]["planned_split"])
        assert p < 1e-3, (seed, p)
        # the lesson and exercise pick the SRM experiment as the one with the smallest p-value
        assert all(p < _srm_p(table, e, 0.5) for e in HEALTHY), seed
    for seed in SEEDS:
        table, truth = _world(seed, "tiny")
        assert _srm_p(table, "exp_03", 0.5) < 0.05, seed


def test_pre_revenue_predicts_revenue_well_enough_for_cuped_to_halve_the_sample():
    rhos, rhos_06 = [], []
    for seed in SEEDS:
        table, truth = _world(seed, "small")
        assert truth["exp_06"]["pre_period"]["target_corr_pre_revenue_revenue"] == 0.7
        rhos.append(
            np.corrcoef(_col(table, None, "pre_revenue"), _col(table, None, "revenue"))[0, 1]
        )
        rhos_06.append(
            np.corrcoef(_col(table, "exp_06", "pre_revenue"), _col(table, "exp_06", "revenue"))[
                0, 1
            ]
        )
    assert all(0.65 <= r <= 0.8 for r in rhos), rhos
    assert all(0.6 <= r <= 0.85 for r in rhos_06), rhos_06
    assert 0.66 <= np.mean(rhos_06) <= 0.78
    # variance reduction 1 - rho^2 ≈ one half: "CUPED halves the needed sample"
    assert 0.4 <= 1 - np.mean(rhos) ** 2 <= 0.6


def test_pre_period_is_untreated_and_leaves_the_planted_outcomes_alone(monkeypatch):
    table, truth = _world(2026, "small")
    # the pre-period cannot be moved by the treatment (healthy experiments: balanced arms)
    for exp in ("exp_01", "exp_05", "exp_06"):
        rows = table.filter(pa.compute.equal(table["experiment_id"], exp))
        treated = rows["variant"].to_numpy(zero_copy_only=False) == "treatment"
        pre = rows["pre_revenue"].to_numpy()
        assert stats.ttest_ind(pre[treated], pre[~treated], equal_var=False).pvalue > 1e-3, exp
    # the test-period outcomes do not depend on how the pre-period is drawn
    monkeypatch.setattr(E, "PRE_LATENT_RHO", 0.0)
    other: dict = {}
    alt = pa.concat_tables(list(E.assignment_parts(2026, "small", other)))
    for name in ("customer_id", "variant", "converted", "orders", "revenue", "page_load_ms"):
        assert alt[name].equals(table[name]), name
    assert not alt["pre_revenue"].equals(table["pre_revenue"])
    for exp, t in truth.items():
        assert other[exp]["expected_absolute_lift"] == t["expected_absolute_lift"]


def test_srm_drop_share_is_what_the_manifest_says(monkeypatch):
    table, truth = _world(2026, "small")  # before the patch below
    designs = tuple(
        dataclasses.replace(d, srm_drop_low_intent=0.0) if d.kind == "srm" else d for d in E.DESIGNS
    )
    monkeypatch.setattr(E, "DESIGNS", designs)
    clean, _ = _world.__wrapped__(2026, "small")
    dropped = truth["exp_03"]["srm_bug"]["rows_dropped"]
    c0, t0 = _split(clean, "exp_03")
    c1, t1 = _split(table, "exp_03")
    assert (c1, t1) == (c0, t0 - dropped)
    # about 55 % of the below-median half of the treatment arm
    assert dropped / t0 == pytest.approx(0.55 * 0.5, abs=0.03)


def _z(table: pa.Table, exp: str, day: tuple[int, int] | None = None) -> float:
    """Two-proportion z of conversion (treatment − control), optionally for entry days [lo, hi)."""
    rows = table.filter(pa.compute.equal(table["experiment_id"], exp)).to_pandas()
    if day is not None:
        rows = rows[(rows["day"] >= day[0]) & (rows["day"] < day[1])]
    g = rows.groupby("variant")["converted"].agg(["mean", "count"])
    se = np.sqrt((g["mean"] * (1 - g["mean"]) / g["count"]).sum())
    return float((g.loc["treatment", "mean"] - g.loc["control", "mean"]) / se)


def test_planted_effects_are_strong_enough_for_the_lessons_story_on_every_seed():
    """Generator 1.5.0 made the story's effects visible at `small` for (nearly) every learner:
    the clean win (+25 %), the fading novelty (+80 % on day 0), AOV down 15 %."""
    wins, early = [], []
    for seed in SEEDS:
        table, truth = _world(seed, "small")
        assert truth["exp_01"]["relative_conversion_lift"] == 0.25
        assert truth["exp_06"]["relative_lift_in_value_per_order"] == -0.15
        wins.append(_z(table, "exp_01"))
        early.append(_z(table, "exp_04", (0, 4)))
        rows = table.filter(pa.compute.equal(table["experiment_id"], "exp_06")).to_pandas()
        sums = rows.groupby("variant")[["revenue", "orders"]].sum()
        aov = sums["revenue"] / sums["orders"]
        assert aov["treatment"] < 0.95 * aov["control"], seed
    # one-sided normal tails: a planted z of about 4 clears 1.96 on (almost) every seed
    assert sum(z > 1.96 for z in wins) >= len(SEEDS) - 1, wins
    assert sum(z > 1.96 for z in early) >= len(SEEDS) - 3, early
