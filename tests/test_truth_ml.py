"""Lesson 7 states only true things: every sentence of ``pm_toolkit.ml.story`` is checked
against an independent computation (scikit-learn, numpy, pandas) and against the planted truth,
for each learner seed of ``truth_seed`` at ``small``."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix, precision_score, recall_score, roc_auc_score

from pm_toolkit import ml
from pm_toolkit.data.asr import make_asr_results
from pm_toolkit.data.baskets import make_basket_items
from pm_toolkit.data.cod import make_cod_orders
from pm_toolkit.data.promo import make_promo_test
from pm_toolkit.data.support_text import make_support_messages
from pm_toolkit.ml import clusters, intents, recommend, rto, story, targeting, voice

SCALE = "small"
COSTS = rto.RTO_COSTS


@lru_cache(maxsize=8)  # every truth seed stays cached: the tests loop over seeds per test
def rto_case(seed: int) -> dict:
    cod = make_cod_orders(seed, SCALE)[0].to_pandas()
    split = rto.split_cod(cod)
    model = rto.fit_model(split.train, "logistic")
    return {
        "split": split,
        "y": rto.rto_label(split.test),
        "score": model.score(split.test),
        "boost": rto.fit_model(split.train, "boosting").score(split.test),
        "leaky": rto.fit_model(split.train, features=(*rto.FEATURES, rto.LEAKY)).score(split.test),
    }


@lru_cache(maxsize=8)
def promo_table(seed: int):
    table, truth = make_promo_test(seed, SCALE)
    return table.to_pandas(), truth


def costs_by_hand(y, score, thresholds):
    flagged = score[None, :] >= np.asarray(thresholds)[:, None]
    missed = ((~flagged) & (y == 1)).sum(axis=1)
    false_alarms = (flagged & (y == 0)).sum(axis=1)
    return COSTS.false_negative * missed + COSTS.false_positive * false_alarms


def test_accuracy_trap_and_rule_baseline(truth_seed):
    c = rto_case(truth_seed)
    y, flags = c["y"], rto.rule_flags(c["split"].test)
    trap = story.accuracy_trap(y)
    assert trap.facts["majority_accuracy"] == pytest.approx(np.mean(y == 0))
    rule = story.rule_baseline(y, flags, COSTS)
    assert rule.facts["rule_precision"] == pytest.approx(precision_score(y, flags))
    assert rule.facts["rule_recall"] == pytest.approx(recall_score(y, flags))
    nobody = COSTS.false_negative * y.sum()
    saving = nobody - costs_by_hand(y, flags.astype(float), [0.5])[0]
    assert rule.facts["rule_saving"] == pytest.approx(saving)
    assert ("saves" in rule.text) == (saving > 0)


def test_threshold_choice_is_the_cheapest_and_beats_the_rule(truth_seed):
    c = rto_case(truth_seed)
    y, score = c["y"], c["score"]
    f = story.threshold_choice(y, score, COSTS, rto.rule_flags(c["split"].test))
    costs = costs_by_hand(y, score, ml.THRESHOLDS)
    assert f.facts["best_threshold"] == ml.THRESHOLDS[int(np.argmin(costs))]
    assert f.facts["saving"] == pytest.approx(COSTS.false_negative * y.sum() - costs.min())
    # the planted model is learnable: the model beats both blocking nobody and today's rule
    assert f.facts["saving"] > 0 and f.facts["saving_vs_rule"] > 0
    assert "more than today's rule" in f.text


def test_model_comparison_names_the_better_ranker_or_a_tie(truth_seed):
    c = rto_case(truth_seed)
    aucs = {"lr": roc_auc_score(c["y"], c["score"]), "gb": roc_auc_score(c["y"], c["boost"])}
    f = story.model_comparison(aucs)
    assert f.facts["tie"] == (abs(aucs["lr"] - aucs["gb"]) < story.AUC_TIE)
    assert ("about equally" in f.text) == f.facts["tie"]
    assert f.facts["best_model"] == max(aucs, key=aucs.get)


def test_the_leak_is_the_planted_column_and_flatters_the_score(truth_seed):
    c = rto_case(truth_seed)
    report = rto.leakage(c["split"].train)
    clean = roc_auc_score(c["y"], c["score"])
    leaky = roc_auc_score(c["y"], c["leaky"])
    f = story.leak(report, clean, leaky)
    assert f.facts["leaky_feature"] == "delivery_attempts"  # the manifest's leaky_column
    assert leaky > clean + 0.1
    y_train = rto.rto_label(c["split"].train)
    single = roc_auc_score(y_train, c["split"].train["delivery_attempts"])
    assert f.facts["leak_single_auc"] == pytest.approx(single)


def test_the_tree_memorises_and_logistic_regression_does_not(truth_seed):
    split = rto_case(truth_seed)["split"]
    tree = rto.learning_curve(split, "tree", sizes=(1.0,))
    logistic = rto.learning_curve(split, "logistic", sizes=(1.0,))
    f = story.overfitting(tree, logistic)
    assert f.facts["tree_gap"] > 0.3 > abs(f.facts["logistic_gap"])
    assert "it memorised" in f.text


def test_fairness_rates_by_tier(truth_seed):
    c = rto_case(truth_seed)
    y, score, tier = c["y"], c["score"], c["split"].test["city_tier"].to_numpy()
    t = ml.best_threshold(y, score, COSTS)
    f = story.fairness(ml.by_group(y, score, tier, t), t)
    fpr = {}
    for g in (1, 3):
        tn, fp, _fn, _tp = confusion_matrix(
            y[tier == g], score[tier == g] >= t, labels=[0, 1]
        ).ravel()
        fpr[g] = fp / (fp + tn)
    assert f.facts["fpr_tier1"] == pytest.approx(fpr[1]) and f.facts["fpr_tier3"] == pytest.approx(
        fpr[3]
    )
    assert fpr[3] > fpr[1] and "more" in f.text  # planted: tier 3 carries the false alarms


def test_accuracy_against_the_baseline(truth_seed):
    c = rto_case(truth_seed)
    y, score = c["y"], c["score"]
    t = ml.best_threshold(y, score, COSTS)
    f = story.accuracy_vs_baseline(y, score, t)
    model = np.mean((score >= t).astype(int) == y)
    assert f.facts["model_accuracy"] == pytest.approx(model)
    assert ("lower" in f.text) == (model >= np.mean(y == 0))


def test_recommendations(truth_seed):
    items = make_basket_items(truth_seed, SCALE)[0].to_pandas()
    split = recommend.split_baskets(items)
    f = story.recommendations(recommend.compare(split), recommend.cold_start(split))
    # popular, by hand: the 10 most bought (by baskets) besides the query
    counts = split.train.groupby("product_id")["basket_id"].nunique()
    top = counts.sort_index().sort_values(ascending=False, kind="stable").index[:11].tolist()
    t = split.test.sort_values(["basket_id", "line"])
    hits = n = 0
    for _, b in t.groupby("basket_id")["product_id"]:
        if len(b) < 2:
            continue
        shown = [p for p in top if p != b.iloc[0]][:10]
        n += 1
        hits += bool(set(b.iloc[1:]) & set(shown))
    assert f.facts["popular"] == pytest.approx(hits / n)
    assert f.facts["item_beats_popular"] and f.facts["item_to_item"] > f.facts["popular"]
    assert f.facts["new_item_to_item"] == 0.0


def test_targeting(truth_seed):
    promo, truth = promo_table(truth_seed)
    uplift = targeting.uplift_table(promo)
    policy = targeting.best_offers(uplift)
    value = targeting.policy_value(promo, policy)
    f = story.targeting(uplift, policy, value)
    net = promo["gross_margin"] - promo["offer_cost"]
    means = net.groupby([promo["segment"], promo["offer"]]).mean()
    seg, offer = f.facts["worst_offer"]
    assert f.facts["worst_margin"] == pytest.approx(means[(seg, offer)] - means[(seg, "none")])
    assert f.facts["worst_margin"] < 0 < f.facts["worst_conversion_lift"]
    assert f.facts["policy"] == truth["best_offer"]  # the planted optimum is recovered
    shares = promo["segment"].value_counts(normalize=True)
    single = {
        o: sum(shares[s] * means[(s, o)] for s in shares.index) for o in promo["offer"].unique()
    }
    assert value.policy > max(single.values()) and f.facts["policy_beats_single"]


def test_clusters_find_the_four_crm_segments(truth_seed):
    promo = promo_table(truth_seed)[0]
    choice = clusters.choose_k(promo)
    f = story.clusters(choice, clusters.fit_clusters(promo, choice.best_k).profile)
    assert f.facts["best_k"] == 4  # planted: four segments with distinct behaviour
    assert f.facts["silhouette"] == pytest.approx(choice.table["silhouette"].max())


def test_bot(truth_seed):
    messages = make_support_messages(truth_seed, SCALE)[0].to_pandas()
    split = intents.split_messages(messages)
    bot = intents.train_intent_model(split.train)
    table = intents.cutoff_table(bot, split.test)
    f = story.bot(table, intents.REVIEW_CUTOFF)
    proba = bot.pipeline.predict_proba(split.test["text"].tolist())
    conf = proba.max(axis=1)
    answered = conf >= intents.REVIEW_CUTOFF
    assert f.facts["deflection"] == pytest.approx(answered.mean())
    wrong = answered & (
        bot.pipeline.classes_[proba.argmax(axis=1)] != split.test["reason"].to_numpy()
    )
    assert f.facts["misroute_rate"] == pytest.approx(wrong.sum() / answered.sum())
    c = intents.BOT_COSTS
    cost = [
        (conf >= k).sum() * c.bot
        + ((conf >= k) & (bot.pipeline.classes_[proba.argmax(axis=1)] != split.test["reason"].to_numpy())).sum() * c.misroute
        + (conf < k).sum() * c.agent
        for k in intents.CUTOFFS
    ]  # fmt: skip
    assert f.facts["best_cutoff"] == intents.CUTOFFS[int(np.argmin(cost))]
    # a cut-off that hands nothing over is never the cheapest: misroutes cost more than agents
    assert f.facts["best_cutoff"] > min(intents.CUTOFFS)


def test_voice(truth_seed):
    table, truth = make_asr_results(truth_seed, SCALE)
    priority = voice.data_priority(table.to_pandas())
    f = story.voice(priority)
    best = truth["best_group_for_more_data"].split("/")
    worst = truth["worst_wer_group"].split("/")
    assert f.facts["best_group"] == f"{best[0]} ({best[1]})"
    assert f.facts["worst_group"] == f"{worst[0]} ({worst[1]})"
    assert "worst WER is" in f.text  # planted: the two differ


def test_uplift_intervals_are_welch(truth_seed):
    promo = promo_table(truth_seed)[0]
    u = targeting.uplift_table(promo).set_index(["segment", "offer"])
    net = promo["gross_margin"] - promo["offer_cost"]
    a = net[(promo["segment"] == "premium") & (promo["offer"] == "bank_offer")]
    b = net[(promo["segment"] == "premium") & (promo["offer"] == "none")]
    se = np.sqrt(a.var() / len(a) + b.var() / len(b))
    assert u.loc[("premium", "bank_offer"), "ci_low"] == pytest.approx(
        a.mean() - b.mean() - 1.959964 * se
    )
    assert isinstance(u, pd.DataFrame)


def test_hiding_the_tier_does_not_remove_the_gap(truth_seed):
    c = rto_case(truth_seed)
    y, split = c["y"], c["split"]
    t = ml.best_threshold(y, c["score"], COSTS)
    blind = rto.fit_model(split.train, features=[f for f in rto.FEATURES if f != "city_tier"])
    tier = split.test["city_tier"].to_numpy()
    blind_score = blind.score(split.test)
    f = story.proxies(ml.by_group(y, c["score"], tier, t), ml.by_group(y, blind_score, tier, t), t)
    fp = {g: ((blind_score >= t) & (y == 0) & (tier == g)).sum() / ((y == 0) & (tier == g)).sum()
          for g in (1, 3)}  # fmt: skip
    assert f.facts["gap_without_pp"] == pytest.approx(100 * (fp[3] - fp[1]))
    assert f.facts["gap_without_pp"] > 0 and "still flags" in f.text  # proxies carry the tier
