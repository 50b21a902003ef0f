"""pm_toolkit.ml: every statistic against scikit-learn, scipy, statsmodels or a hand case."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.calibration import calibration_curve
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    precision_score,
    recall_score,
    roc_auc_score,
    silhouette_score,
)
from sklearn.preprocessing import StandardScaler

from pm_toolkit import ml
from pm_toolkit.data.cod import make_cod_orders
from pm_toolkit.ml import clusters, intents, recommend, rto, targeting, voice


@pytest.fixture(scope="module")
def cod() -> pd.DataFrame:
    return make_cod_orders(3, "tiny")[0].to_pandas()


@pytest.fixture(scope="module")
def split(cod):
    return rto.split_cod(cod)


def random_case(seed=0, n=500):
    g = np.random.default_rng(seed)
    y = (g.random(n) < 0.2).astype(int)
    score = np.clip(0.2 + 0.3 * (y - 0.2) + 0.2 * g.standard_normal(n), 0, 1)
    return y, score


# ---------------------------------------------------------------- confusion matrix and costs


def test_confusion_hand_case_and_rates():
    c = ml.confusion(
        [1, 1, 1, 0, 0, 0, 0, 0], [True, True, False, True, False, False, False, False]
    )
    assert (c.tp, c.fp, c.fn, c.tn) == (2, 1, 1, 4)
    assert c.precision == pytest.approx(2 / 3) and c.recall == pytest.approx(2 / 3)
    assert c.false_positive_rate == pytest.approx(1 / 5) and c.accuracy == pytest.approx(6 / 8)
    assert c.cost(ml.CostMatrix(false_negative=200, false_positive=110)) == 310.0
    assert c.table(ml.CostMatrix(200, 110)).loc["went wrong", "let through"] == 200.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_confusion_and_auc_agree_with_scikit_learn(seed):
    y, score = random_case(seed)
    flags = score >= 0.3
    c = ml.at_threshold(y, score, 0.3)
    tn, fp, fn, tp = confusion_matrix(y, flags).ravel()
    assert (c.tp, c.fp, c.fn, c.tn) == (tp, fp, fn, tn)
    assert c.precision == pytest.approx(precision_score(y, flags))
    assert c.recall == pytest.approx(recall_score(y, flags))
    assert c.accuracy == pytest.approx(accuracy_score(y, flags))
    assert ml.roc_auc(y, score) == pytest.approx(roc_auc_score(y, score))


def test_nothing_flagged_gives_nan_precision_not_an_error():
    c = ml.confusion([1, 0], [False, False])
    assert np.isnan(c.precision) and c.recall == 0.0
    with pytest.raises(ValueError, match="differ in length"):
        ml.confusion([1, 0, 1], [True])


def test_break_even_is_the_closed_form_and_the_sweep_finds_it_on_calibrated_scores():
    costs = ml.CostMatrix(false_negative=200, false_positive=110)
    assert costs.break_even() == pytest.approx(110 / 310)
    g = np.random.default_rng(4)
    p = g.random(60_000)
    y = (g.random(len(p)) < p).astype(int)  # perfectly calibrated scores
    grid = np.round(np.arange(0.05, 0.96, 0.02), 2)
    assert ml.best_threshold(y, p, costs, grid) == pytest.approx(costs.break_even(), abs=0.04)


def test_threshold_table_costs_by_hand():
    y, score = np.array([1, 0, 1, 0]), np.array([0.9, 0.6, 0.4, 0.1])
    t = ml.threshold_table(y, score, ml.CostMatrix(100, 10), thresholds=[0.5, 0.95])
    # 0.5 flags the first two: one missed RTO (100) + one false alarm (10)
    assert t["cost"].tolist() == [110.0, 200.0]
    assert t["saving"].tolist() == [90.0, 0.0]
    assert ml.best_threshold(y, score, ml.CostMatrix(100, 10), [0.5, 0.95]) == 0.5


def test_by_group_matches_per_group_confusion():
    y, score = random_case(5, 600)
    groups = np.repeat([1, 2, 3], 200)
    t = ml.by_group(y, score, groups, 0.3).set_index("group")
    for g in (1, 2, 3):
        m = groups == g
        tn, fp, _fn, _tp = confusion_matrix(y[m], score[m] >= 0.3, labels=[0, 1]).ravel()
        assert t.loc[g, "false_positive_rate"] == pytest.approx(fp / (fp + tn))
        assert t.loc[g, "orders"] == m.sum()


def test_calibration_table_is_scikit_learns_curve():
    y, score = random_case(6, 2000)
    t = ml.calibration_table(y, score, bins=5)
    obs, pred = calibration_curve(y, score, n_bins=5, strategy="quantile")
    assert np.allclose(t["observed"], obs) and np.allclose(t["predicted"], pred)


# ---------------------------------------------------------------- splits, models, diagnostics


def test_time_split_respects_the_time_zone_and_refuses_an_empty_side(cod):
    s = rto.split_cod(cod)
    assert (s.train["order_ts"] < s.cutoff).all() and (s.test["order_ts"] >= s.cutoff).all()
    assert str(s.cutoff.tz) == "Asia/Kolkata" and len(s.train) + len(s.test) == len(cod)
    with pytest.raises(ValueError, match="one side empty"):
        ml.time_split(cod, "order_ts", "2030-01-01")
    with pytest.raises(ValueError, match="no column"):
        ml.time_split(cod, "when", "2025-09-01")


def test_the_rule_flags_first_orders_of_two_thousand_or_more(cod):
    flags = rto.rule_flags(cod)
    expected = cod["first_order"] & (cod["order_value"] >= 2000)
    assert (flags == expected.to_numpy()).all() and flags.any()


def test_logistic_model_is_scikit_learns_and_its_auc_is_roc_auc_score(split):
    m = rto.fit_model(split.train, "logistic")
    assert isinstance(m.pipeline.named_steps["model"], LogisticRegression)
    s = m.score(split.test)
    assert ((s > 0) & (s < 1)).all()
    assert m.auc(split.test) == pytest.approx(roc_auc_score(rto.rto_label(split.test), s))
    assert m.auc(split.test) > 0.6  # the planted model is learnable even at tiny


def test_majority_model_scores_everyone_at_the_training_rto_rate(split):
    m = rto.fit_model(split.train, "majority")
    assert np.allclose(m.score(split.test), rto.rto_label(split.train).mean())


def test_models_are_deterministic_and_bad_input_gets_a_clear_error(split):
    a = rto.fit_model(split.train, "boosting").score(split.test)
    b = rto.fit_model(split.train, "boosting").score(split.test)
    assert np.array_equal(a, b)
    with pytest.raises(ValueError, match="unknown model kind"):
        rto.fit_model(split.train, "neural_net")
    with pytest.raises(ValueError, match="no column"):
        rto.fit_model(split.train.drop(columns="hour"))


def test_leakage_screen_flags_the_leak_and_single_feature_auc_is_oriented():
    y = np.array([0, 0, 1, 1])
    assert ml.single_feature_auc(pd.Series([4, 3, 2, 1]), y) == 1.0  # reversed still ranks
    assert ml.single_feature_auc(pd.Series(["a", "a", "b", "b"]), y) == 1.0


def test_leakage_screen_on_the_cod_log(split):
    report = rto.leakage(split.train)
    assert report.iloc[0]["feature"] == "delivery_attempts"
    assert report.loc[report["suspect"], "feature"].tolist() == ["delivery_attempts"]


def test_learning_curve_matches_fitting_the_first_rows_by_hand(split):
    curve = rto.learning_curve(split, "logistic", sizes=(0.5, 1.0))
    n = int(curve["training_rows"].iloc[0])
    by_hand = rto.fit_model(split.train.iloc[:n], "logistic")
    assert curve["test_auc"].iloc[0] == pytest.approx(by_hand.auc(split.test), abs=1e-9)
    tree = rto.learning_curve(split, "tree", sizes=(1.0,))
    assert tree["train_auc"].iloc[0] > 0.99 > tree["test_auc"].iloc[0]


# ---------------------------------------------------------------- recommendations


def test_item_similarity_is_the_cosine_of_basket_vectors():
    items = pd.DataFrame(
        {"basket_id": [1, 1, 2, 2, 2, 3, 3, 4], "product_id": [10, 11, 10, 11, 12, 11, 12, 13]}
    )
    sim = recommend.item_similarity(items)
    x = pd.crosstab(items["basket_id"], items["product_id"]).to_numpy(float)
    norms = np.linalg.norm(x, axis=0)
    dense = (x.T @ x) / np.outer(norms, norms)
    np.fill_diagonal(dense, 0)
    assert np.allclose(sim.matrix.toarray(), dense)
    assert sim.similar(10) == [11, 12] and sim.similar(13) == [] and sim.similar(99) == []


def test_hit_rate_by_hand():
    test = pd.DataFrame(
        {"basket_id": [1, 1, 2, 2, 3], "line": [1, 2, 1, 2, 1], "product_id": [5, 6, 7, 8, 9]}
    )
    h = recommend.hit_rate(test, lambda q: {5: [6], 7: [1, 2]}.get(q, []), k=10, name="toy")
    assert (h.baskets, h.hits, h.rate) == (2, 1, 0.5)  # basket 3 has one item: not counted


def test_item_to_item_beats_popular_and_is_blind_to_new_products():
    from pm_toolkit.data.baskets import make_basket_items

    items = make_basket_items(3, "tiny")[0].to_pandas()
    s = recommend.split_baskets(items)
    hits = recommend.compare(s).set_index("recommender")["hit_rate"]
    assert hits["item_to_item"] > hits["popular"]
    assert hits["item_to_item_or_popular"] >= hits["item_to_item"]
    cold = recommend.cold_start(s)
    new = cold[(cold["query"] == "new product") & (cold["recommender"] == "item_to_item")]
    assert new["hit_rate"].fillna(0).eq(0).all()


# ---------------------------------------------------------------- targeting and clusters


def toy_promo(seed=0, n=4000):
    g = np.random.default_rng(seed)
    offer = g.choice(["none", "a", "b"], n)
    seg = g.choice(["s1", "s2"], n)
    conv = (g.random(n) < np.where(offer == "none", 0.2, 0.3)).astype(int)
    margin = conv * 100.0
    cost = conv * np.where(offer == "a", 20.0, np.where(offer == "b", 60.0, 0.0))
    return pd.DataFrame(
        {
            "segment": seg,
            "offer": offer,
            "converted": conv,
            "gross_margin": margin,
            "offer_cost": cost,
        }
    )


def test_uplift_table_matches_welch_by_hand():
    promo = toy_promo()
    u = targeting.uplift_table(promo).set_index(["segment", "offer"])
    net = promo["gross_margin"] - promo["offer_cost"]
    for seg in ("s1", "s2"):
        a = net[(promo["segment"] == seg) & (promo["offer"] == "a")]
        c = net[(promo["segment"] == seg) & (promo["offer"] == "none")]
        row = u.loc[(seg, "a")]
        assert row["incremental_margin"] == pytest.approx(a.mean() - c.mean())
        t = stats.ttest_ind(a, c, equal_var=False)
        se = (a.mean() - c.mean()) / t.statistic
        assert row["ci_high"] - row["ci_low"] == pytest.approx(2 * 1.959964 * se, rel=1e-6)


def test_best_offers_and_policy_value_by_hand():
    promo = toy_promo(1)
    u = targeting.uplift_table(promo)
    policy = targeting.best_offers(u)
    assert set(policy["offer"]) == {"a"}  # a adds 30·0.8 − 20 … b loses money
    value = targeting.policy_value(promo, policy)
    net = promo["gross_margin"] - promo["offer_cost"]
    shares = promo["segment"].value_counts(normalize=True)
    by_hand = sum(
        shares[s] * net[(promo["segment"] == s) & (promo["offer"] == "a")].mean()
        for s in shares.index
    )
    assert value.policy == pytest.approx(by_hand) and value.best_single_offer == "a"
    with pytest.raises(ValueError, match="no offer for"):
        targeting.policy_value(promo, policy.iloc[:1])


def test_holdout_mde_matches_statsmodels_power():
    from statsmodels.stats.power import NormalIndPower

    promo = toy_promo(2)
    plan = targeting.holdout_plan(promo, holdout_share=0.1, visitors_per_month=50_000)
    sd = (promo["gross_margin"] - promo["offer_cost"]).std()
    d = NormalIndPower().solve_power(nobs1=5_000, ratio=9.0, alpha=0.05, power=0.8)
    assert plan.mde == pytest.approx(d * sd, rel=1e-3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        targeting.holdout_plan(promo, holdout_share=1.5)


def test_choose_k_finds_planted_blobs_and_silhouette_is_scikit_learns():
    x, _ = make_blobs(n_samples=600, centers=3, cluster_std=0.6, random_state=0)
    frame = pd.DataFrame(x, columns=["a", "b"])
    choice = clusters.choose_k(frame, ["a", "b"], ks=[2, 3, 4, 5])
    assert choice.best_k == 3
    z = StandardScaler().fit_transform(x)
    km = KMeans(n_clusters=3, n_init=4, random_state=0).fit(z)
    sil = choice.table.set_index("k").loc[3, "silhouette"]
    assert sil == pytest.approx(silhouette_score(z, km.labels_), abs=1e-9)
    fitted = clusters.fit_clusters(frame, 3, ["a", "b"])
    assert fitted.profile["customers"].is_monotonic_decreasing
    assert fitted.profile["customers"].sum() == 600


# ---------------------------------------------------------------- support bot and voice


def toy_messages():
    texts = ["where is my order", "order kab aayega", "refund not received", "refund kab milega"]
    reasons = ["late_delivery", "late_delivery", "refund", "refund"]
    return pd.DataFrame({"text": texts * 5, "reason": reasons * 5})


def test_bot_counts_and_costs_by_hand():
    msgs = toy_messages()
    bot = intents.train_intent_model(msgs)
    reason, conf = bot.predict(msgs["text"])
    r = intents.bot_at(bot, msgs, 0.5)
    assert r.answered == int((conf >= 0.5).sum())
    assert r.misrouted == int(((conf >= 0.5) & (reason != msgs["reason"].to_numpy())).sum())
    costs = intents.BotCosts(agent=45, bot=3, misroute=150)
    by_hand = r.answered * 3 + r.misrouted * 150 + (r.contacts - r.answered) * 45
    assert r.cost(costs) == by_hand
    table = intents.cutoff_table(bot, msgs, costs, cutoffs=[0.5, 0.99])
    assert table["deflection"].iloc[0] == pytest.approx(r.deflection)
    assert table["deflection"].is_monotonic_decreasing


def test_bot_reads_hinglish_with_typos():
    bot = intents.train_intent_model(toy_messages())
    assert bot.predict(["mera rifund nhi milega"])[0][0] == "refund"


def test_wer_is_total_errors_over_total_words():
    t = pd.DataFrame(
        {
            "language": ["hi", "hi", "ta"],
            "accent_group": ["n", "n", "s"],
            "model": ["v2", "v2", "v2"],
            "ref_words": [10, 30, 5],
            "substitutions": [1, 2, 1],
            "deletions": [0, 1, 0],
            "insertions": [1, 0, 0],
        }
    )
    w = voice.wer_table(t).set_index("language")["wer"]
    assert w["hi"] == pytest.approx(5 / 40) and w["ta"] == pytest.approx(1 / 5)


def test_data_priority_weighs_the_gain_by_traffic():
    rows = []
    for lang, share, e1, e2 in (("a", 0.9, 20, 18), ("b", 0.1, 60, 30)):
        for model, errors in (("v1", e1), ("v2", e2)):
            rows.append(dict(language=lang, accent_group="x", model=model, ref_words=100,
                             substitutions=errors, deletions=0, insertions=0,
                             traffic_share=share, training_hours=100))  # fmt: skip
    p = voice.data_priority(pd.DataFrame(rows))
    # a: 0.9 × 0.02 = 0.018; b: 0.1 × 0.30 = 0.030 → b first though a has more traffic
    assert p["language"].tolist() == ["b", "a"]
    assert p["value"].iloc[0] == pytest.approx(100 * 0.1 * 0.30)


# ---------------------------------------------------------------- card, charts, dashboard


def test_model_card_lists_what_is_left_to_fill(split):
    y = rto.rto_label(split.test)
    score = rto.fit_model(split.train).score(split.test)
    groups = ml.by_group(y, score, split.test["city_tier"], 0.3)
    card = ml.card.rto_card(split, ml.roc_auc(y, score), 0.3, groups, owner="Asha, checkout PM")
    assert "owner" not in card.missing() and "intended_use" in card.missing()
    assert "to fill in" in card.markdown() and "Asha" in card.markdown()
    assert len(ml.card.QUESTIONS) >= 8


def test_charts_draw_without_error_and_the_explorer_updates(split):
    y = rto.rto_label(split.test)
    score = rto.fit_model(split.train).score(split.test)
    ml.charts.plot_threshold_costs(ml.threshold_table(y, score, rto.RTO_COSTS), show=False)
    ml.charts.plot_calibration(ml.calibration_table(y, score, bins=4), show=False)
    ml.charts.plot_learning_curves(
        {"lr": rto.learning_curve(split, "logistic", (1.0,))}, show=False
    )
    promo = toy_promo().assign(segment=lambda d: d["segment"])
    ml.charts.plot_uplift(targeting.uplift_table(promo), show=False)
    dash = ml.charts.threshold_explorer(y, score, rto.RTO_COSTS)
    assert dash.update(threshold=0.5).result == ml.at_threshold(y, score, 0.5)
