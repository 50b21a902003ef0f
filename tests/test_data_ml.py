"""The ML case tables: registered, documented, deterministic, and their planted truths
recoverable (within the tolerances stated in each test) by an analysis that does not peek."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from pm_toolkit.data import TABLES
from pm_toolkit.data.asr import make_asr_results
from pm_toolkit.data.baskets import make_basket_items
from pm_toolkit.data.cod import RTO_COEFS, RTO_INTERCEPT, VALUE_REF, make_cod_orders
from pm_toolkit.data.generate import generate_world
from pm_toolkit.data.ml_tables import ML_TABLES
from pm_toolkit.data.promo import make_promo_test
from pm_toolkit.data.support_text import REASON_SHARES, REASONS, make_support_messages
from pm_toolkit.ml import recommend, targeting, voice
from pm_toolkit.ml.diagnostics import single_feature_auc

README = Path(__file__).resolve().parents[1] / "datasets" / "README.md"
SEED = 2026  # planted truths are checked at `small` for the default learner's seed
CONTRACT = {
    "cod_orders": ["cod_order_id", "customer_id", "order_ts", "city_tier", "first_order",
                   "prior_orders", "prior_rtos", "order_value", "n_items", "category", "device",
                   "hour", "address_score", "payment_switch", "delivery_attempts", "outcome"],
    "basket_items": ["basket_id", "customer_id", "order_ts", "line", "product_id", "unit_price"],
    "promo_test": ["visitor_id", "segment", "city_tier", "orders_12m", "aov_12m",
                   "discount_share_12m", "days_since_last_order", "offer", "converted",
                   "order_value", "gross_margin", "redeemed", "offer_cost"],
    "support_messages": ["message_id", "customer_id", "ts", "channel", "language", "text",
                         "reason"],
    "asr_results": ["utterance_id", "model", "language", "accent_group", "training_hours",
                    "traffic_share", "ref_words", "substitutions", "deletions", "insertions"],
}  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("ml_world") / "w"
    manifest = generate_world(5, "tiny", out, progress=False)
    return out, manifest


def test_tables_are_registered_written_and_in_the_manifest(world):
    out, manifest = world
    assert set(CONTRACT) == set(ML_TABLES) and set(ML_TABLES) <= set(TABLES)
    for name, cols in CONTRACT.items():
        assert (out / f"{name}.parquet").exists()
        assert list(manifest["tables"][name]["columns"]) == cols
        assert manifest["tables"][name]["rows"] > 0
        assert name in manifest["ml"]


def test_dictionary_describes_every_ml_column():
    text = README.read_text(encoding="utf-8")
    for table, cols in CONTRACT.items():
        m = re.search(rf"^### `{table}`\n(.*?)(?=^### |^## |\Z)", text, flags=re.M | re.S)
        assert m, f"datasets/README.md has no section for {table}"
        described = set(re.findall(r"^\| `([a-z_0-9]+)` \|", m.group(1), flags=re.M))
        assert described == set(cols), table


@pytest.mark.parametrize("name", list(ML_TABLES))
def test_same_seed_same_table_other_seed_other_table(name):
    make = ML_TABLES[name]
    a, ta = make(1, "tiny")
    b, tb = make(1, "tiny")
    c, _ = make(2, "tiny")
    assert a.equals(b) and ta == tb
    assert not a.equals(c)


# ---------------------------------------------------------------- COD orders


@pytest.fixture(scope="module")
def cod() -> pd.DataFrame:
    return make_cod_orders(SEED, "small")[0].to_pandas()


def test_cod_rto_rate_is_realistic_and_rises_with_city_tier(cod):
    rto = cod["outcome"] == "rto"
    assert 0.08 < rto.mean() < 0.20  # orders' COD RTO rate is 12 % [A]: same spirit
    by_tier = rto.groupby(cod["city_tier"]).mean()
    assert by_tier[1] < by_tier[2] < by_tier[3]


def test_cod_features_are_honest_history(cod):
    assert (cod["first_order"] == (cod["prior_orders"] == 0)).all()
    assert (cod["prior_rtos"] <= cod["prior_orders"]).all()
    # prior_rtos counts the customer's earlier RTOs in this log
    c = cod.sort_values(["customer_id", "order_ts"])
    rto = (c["outcome"] == "rto").astype(int)
    earlier = rto.groupby(c["customer_id"]).cumsum() - rto
    assert (earlier == c["prior_rtos"]).all()


def test_planted_logistic_coefficients_are_recovered(cod):
    """Within 4 standard errors of each planted coefficient (statsmodels Logit, small)."""
    x = pd.DataFrame(
        {
            "first_order": cod["first_order"].astype(float),
            "prior_rtos": cod["prior_rtos"].clip(upper=3).astype(float),
            "prior_orders": cod["prior_orders"].clip(upper=10).astype(float),
            "tier_2": (cod["city_tier"] == 2).astype(float),
            "tier_3": (cod["city_tier"] == 3).astype(float),
            "log_value": np.log(cod["order_value"] / VALUE_REF),
            "night": (cod["hour"] < 6).astype(float),
            "address_gap": 1 - cod["address_score"],
            "mobile_web": (cod["device"] == "mobile_web").astype(float),
            "desktop": (cod["device"] == "desktop").astype(float),
            "payment_switch": cod["payment_switch"].astype(float),
        }
    )
    fit = sm.Logit((cod["outcome"] == "rto").astype(float), sm.add_constant(x)).fit(disp=0)
    assert abs(fit.params["const"] - RTO_INTERCEPT) < 4 * fit.bse["const"]
    for name, beta in RTO_COEFS.items():
        assert abs(fit.params[name] - beta) < 4 * fit.bse[name], name


def test_the_leaky_column_ranks_outcomes_almost_perfectly(cod):
    y = (cod["outcome"] == "rto").astype(int)
    assert single_feature_auc(cod["delivery_attempts"], y) > 0.9
    assert single_feature_auc(cod["address_score"], y) < 0.75


# ---------------------------------------------------------------- baskets


def test_item_to_item_recovers_the_planted_complements():
    """For at least 70 % of the 100 most bought products (small), a planted complement is
    among the 3 most similar products."""
    table, truth = make_basket_items(SEED, "small")
    items = table.to_pandas()
    train = recommend.split_baskets(items).train
    sim = recommend.item_similarity(train)
    top = recommend.popularity(train).index[:100]
    found = [bool(set(truth["complements"][str(p)]) & set(sim.similar(p, 3))) for p in top]
    assert np.mean(found) >= 0.7


def test_new_products_have_no_history_before_the_test_window():
    table, truth = make_basket_items(SEED, "small")
    items = table.to_pandas()
    train = recommend.split_baskets(items).train
    assert truth["new_products"] > 0
    assert not set(truth["new_product_ids"]) & set(train["product_id"])


# ---------------------------------------------------------------- promotion test


@pytest.fixture(scope="module")
def promo():
    table, truth = make_promo_test(SEED, "small")
    return table.to_pandas(), truth


def test_offers_are_randomised_evenly_within_each_segment(promo):
    frame, _ = promo
    counts = pd.crosstab(frame["segment"], frame["offer"])
    for _seg, row in counts.iterrows():
        assert stats.chisquare(row.to_numpy()).pvalue > 0.001


def test_incremental_margin_recovers_the_planted_truth(promo):
    """Every segment × offer estimate within 4 standard errors of the planted value, and the
    best offer of each segment is the planted best."""
    frame, truth = promo
    u = targeting.uplift_table(frame)
    planted = truth["incremental_margin_per_visitor"]
    for _, r in u.iterrows():
        se = (r["ci_high"] - r["ci_low"]) / (2 * 1.959964)
        assert abs(r["incremental_margin"] - planted[r["segment"]][r["offer"]]) < 4 * se
    policy = targeting.best_offers(u)
    assert dict(zip(policy["segment"], policy["offer"], strict=True)) == truth["best_offer"]


def test_conversion_and_margin_disagree_for_regulars(promo):
    frame, truth = promo
    u = targeting.uplift_table(frame).set_index(["segment", "offer"])
    assert truth["best_offer"]["regular"] == "none"
    assert u.loc[("regular", "coupon_100"), "conversion_lift"] > 0
    assert u.loc[("regular", "coupon_100"), "ci_high"] < 0


# ---------------------------------------------------------------- support messages and ASR


def test_support_messages_mix_languages_by_tier_and_follow_the_reason_shares():
    from pm_toolkit.data.dimensions import make_customers

    table, truth = make_support_messages(SEED, "small")
    msgs = table.to_pandas()
    shares = msgs["reason"].value_counts(normalize=True)
    for reason, share in zip(REASONS, REASON_SHARES, strict=True):
        assert abs(shares[reason] - share) < 0.03
    tier = make_customers(SEED, "small")[0].to_pandas().set_index("customer_id")["city_tier"]
    hing = (msgs["language"] == "hinglish").groupby(msgs["customer_id"].map(tier)).mean()
    assert hing[1] < hing[3]
    assert abs(truth["realised"]["vague_messages"] / len(msgs) - truth["vague_share"]) < 0.02


def test_wer_recovers_the_planted_curve_and_the_best_group_for_more_data():
    table, truth = make_asr_results(SEED, "small")
    asr = table.to_pandas()
    w = voice.wer_table(asr, "v2")
    for _, r in w.iterrows():
        planted = truth["groups"][f"{r['language']}/{r['accent_group']}"]["wer_v2"]
        assert abs(r["wer"] - planted) < 0.02
    top = voice.data_priority(asr).iloc[0]
    assert f"{top['language']}/{top['accent_group']}" == truth["best_group_for_more_data"]
    assert truth["best_group_for_more_data"] != truth["worst_wer_group"]
