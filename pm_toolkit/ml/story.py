"""The sentences lesson 7 states about the learner's data, each built from the data.

Every function returns a :class:`~pm_toolkit.findings.Finding`: the words and the facts they
rest on (``tests/test_truth_ml.py`` recomputes each fact independently for several seeds).

>>> import numpy as np
>>> f = accuracy_trap(np.array([0] * 90 + [1] * 10))
>>> f.facts["majority_accuracy"]
0.9
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pm_toolkit.findings import Finding
from pm_toolkit.formatting import format_inr, format_pct
from pm_toolkit.ml.evaluate import CostMatrix, best_threshold, confusion, threshold_table

#: AUCs closer than this are "about the same" (run-to-run noise of a test window).
AUC_TIE = 0.01


def accuracy_trap(y) -> Finding:
    """What a model that always predicts the common outcome scores on accuracy."""
    y = np.asarray(y).astype(int)
    acc = float((y == 0).mean())
    text = (
        f'A "model" that predicts *delivered* for every order is **{format_pct(acc)} '
        f"accurate**, and catches none of the {int(y.sum()):,} orders that came back. "
        "Accuracy alone hides the cases you care about when they are rare."
    )
    return Finding(text, {"majority_accuracy": acc, "bad_orders": int(y.sum())})


def rule_baseline(y, flagged, costs: CostMatrix) -> Finding:
    """Today's rule against blocking nobody, in orders and rupees."""
    c = confusion(y, flagged)
    nobody = confusion(y, np.zeros(c.n, dtype=bool)).cost(costs)
    diff = nobody - c.cost(costs)
    word = "saves" if diff > 0 else "costs"
    text = (
        f"Today's rule flags {c.flagged:,} of {c.n:,} test orders; "
        f"{format_pct(c.precision)} of those came back (precision), and it catches "
        f"{format_pct(c.recall)} of all RTOs (recall). Against blocking nobody it {word} "
        f"{format_inr(abs(diff))} over the test window."
    )
    return Finding(
        text,
        {"rule_precision": c.precision, "rule_recall": c.recall, "rule_saving": diff},
    )


def threshold_choice(y, score, costs: CostMatrix, rule_flagged) -> Finding:
    """The cheapest threshold and what it saves against blocking nobody and the rule."""
    table = threshold_table(y, score, costs)
    best = best_threshold(y, score, costs)
    row = table.set_index("threshold").loc[best]
    rule_cost = confusion(y, rule_flagged).cost(costs)
    vs_rule = rule_cost - row["cost"]
    text = (
        f"The cheapest threshold is **{best:.2f}**: it flags {format_pct(row['flagged_share'])} "
        f"of orders, catches {format_pct(row['recall'])} of RTOs with precision "
        f"{format_pct(row['precision'])}, and saves {format_inr(row['saving'])} against "
        f"blocking nobody, {format_inr(abs(vs_rule))} "
        f"{'more' if vs_rule >= 0 else 'less'} than today's rule. Break-even for a calibrated "
        f"model: {costs.break_even():.2f}."
    )
    return Finding(
        text,
        {
            "best_threshold": best,
            "saving": float(row["saving"]),
            "saving_vs_rule": float(vs_rule),
        },
    )


def model_comparison(aucs: dict[str, float]) -> Finding:
    """Which model ranks orders best on the test window, or that they tie."""
    ranked = sorted(aucs.items(), key=lambda kv: -kv[1])
    (top, a), (second, b) = ranked[0], ranked[1]
    if a - b < AUC_TIE:
        text = (
            f"{top} and {second} rank orders about equally well (ROC-AUC {a:.3f} vs {b:.3f}): "
            "the simpler, explainable model is enough."
        )
    else:
        text = f"{top} ranks orders better than {second} (ROC-AUC {a:.3f} vs {b:.3f})."
    return Finding(text, {"best_model": top, "auc_gap": a - b, "tie": a - b < AUC_TIE})


def leak(report: pd.DataFrame, auc_clean: float, auc_leaky: float) -> Finding:
    """The leak the screen found and how much it flatters the offline score."""
    top = report.iloc[0]
    text = (
        f"With `{top['feature']}` the model's ROC-AUC jumps from {auc_clean:.2f} to "
        f"**{auc_leaky:.2f}**. Alone, that column ranks RTOs with an AUC of "
        f"{top['single_feature_auc']:.2f}, far above every order-time column, and it is "
        "recorded by the courier after the outcome: a leak, useless at checkout."
    )
    return Finding(
        text,
        {
            "leaky_feature": top["feature"],
            "auc_clean": auc_clean,
            "auc_leaky": auc_leaky,
            "leak_single_auc": float(top["single_feature_auc"]),
        },
    )


def overfitting(tree_curve: pd.DataFrame, logistic_curve: pd.DataFrame) -> Finding:
    """Train/test gap of the unpruned tree against the logistic regression, at full size."""
    t, lg = tree_curve.iloc[-1], logistic_curve.iloc[-1]
    gap_t, gap_l = t["train_auc"] - t["test_auc"], lg["train_auc"] - lg["test_auc"]
    text = (
        f"The unpruned tree scores {t['train_auc']:.2f} on the orders it learned from and "
        f"{t['test_auc']:.2f} on new ones: it memorised. Logistic regression scores "
        f"{lg['train_auc']:.2f} and {lg['test_auc']:.2f}, a gap of {abs(gap_l):.2f}."
    )
    return Finding(text, {"tree_gap": float(gap_t), "logistic_gap": float(gap_l)})


def fairness(groups: pd.DataFrame, threshold: float) -> Finding:
    """False-positive rates of tier-3 and tier-1 customers at the threshold."""
    by = groups.set_index("group")["false_positive_rate"]
    t1, t3 = float(by.loc[1]), float(by.loc[3])
    text = (
        f"At threshold {threshold:.2f}, {format_pct(t3)} of tier-3 customers whose parcels "
        f"would have been delivered are flagged, against {format_pct(t1)} in tier-1 cities: "
        f"{100 * (t3 - t1):.1f} percentage points "
        f"{'more' if t3 >= t1 else 'fewer'}. Blocking COD outright would fall hardest on "
        "good customers in smaller towns."
    )
    return Finding(text, {"fpr_tier1": t1, "fpr_tier3": t3, "gap_pp": 100 * (t3 - t1)})


def recommendations(compare: pd.DataFrame, cold: pd.DataFrame) -> Finding:
    """Item-to-item against popular offline, and what happens to new products."""
    hr = compare.set_index("recommender")["hit_rate"]
    new = cold[cold["query"] == "new product"].set_index("recommender")["hit_rate"]
    text = (
        f"Item-to-item finds something in the basket {format_pct(hr['item_to_item'])} of "
        f"the time, against {format_pct(hr['popular'])} for the most popular products. For "
        f"products launched in the test window it has no history and finds "
        f"{format_pct(new.get('item_to_item', float('nan')))}; falling back to popular "
        f"items gives {format_pct(new.get('item_to_item_or_popular', float('nan')))}."
    )
    return Finding(
        text,
        {
            "item_to_item": float(hr["item_to_item"]),
            "popular": float(hr["popular"]),
            "item_beats_popular": bool(hr["item_to_item"] > hr["popular"]),
            "new_item_to_item": float(new.get("item_to_item", float("nan"))),
        },
    )


def targeting(uplift: pd.DataFrame, policy: pd.DataFrame, value) -> Finding:
    """Where conversion and margin disagree most (the biggest conversion lift among the offers
    that lose margin), and what the targeted policy earns."""
    losing = uplift[uplift["incremental_margin"] < 0]
    pool = losing if len(losing) else uplift
    worst = pool.loc[pool["conversion_lift"].idxmax()]
    parts = [f"{r['segment']} → {r['offer']}" for _, r in policy.iterrows()]
    text = (
        f"{worst['offer']} for {worst['segment']} changes conversion by "
        f"{100 * worst['conversion_lift']:+.1f} points but margin by "
        f"{format_inr(worst['incremental_margin'], 2)} per visitor. The policy "
        f"({'; '.join(parts)}) earns {format_inr(value.policy, 2)} net margin per visitor, "
        f"against {format_inr(value.best_single, 2)} for {value.best_single_offer} for everyone "
        f"and {format_inr(value.no_offer, 2)} for no offer."
    )
    return Finding(
        text,
        {
            "worst_offer": (worst["segment"], worst["offer"]),
            "worst_conversion_lift": float(worst["conversion_lift"]),
            "worst_margin": float(worst["incremental_margin"]),
            "policy_beats_single": value.policy > value.best_single,
            "policy": dict(zip(policy["segment"], policy["offer"], strict=True)),
        },
    )


def clusters(choice, profile: pd.DataFrame) -> Finding:
    """Which k the silhouette prefers."""
    t = choice.table.set_index("k")["silhouette"]
    text = (
        f"The silhouette is highest at **k = {choice.best_k}** ({t.max():.2f}); k-means "
        f"returns as many clusters as you ask for (here {t.index.min()} to {t.index.max()}). The "
        f"{choice.best_k} clusters below describe customers; which offer each should get "
        "still comes from the randomised test."
    )
    return Finding(text, {"best_k": choice.best_k, "silhouette": float(t.max())})


def bot(table: pd.DataFrame, review_cutoff: float) -> Finding:
    """The bot at the review cut-off, and the cheapest cut-off."""
    t = table.set_index("cutoff")
    at = t.loc[review_cutoff]
    best = float(t["cost_per_1000"].idxmin())
    text = (
        f"At a cut-off of {review_cutoff:.2f} the bot answers {format_pct(at['deflection'])} "
        f"of contacts and {format_pct(at['misroute_rate'])} of its answers are misroutes. The "
        f"cheapest cut-off is **{best:.2f}**: {format_inr(t.loc[best, 'cost_per_1000'])} per "
        f"1,000 contacts against {format_inr(t.loc[best, 'cost_per_1000'] + t.loc[best, 'saving_per_1000_vs_humans'])} "
        "with humans only."
    )
    return Finding(
        text,
        {
            "deflection": float(at["deflection"]),
            "misroute_rate": float(at["misroute_rate"]),
            "best_cutoff": best,
        },
    )


def voice(priority: pd.DataFrame) -> Finding:
    """Where more recordings pay most, against where WER is worst."""
    top = priority.iloc[0]
    worst = priority.loc[priority["wer_v2"].idxmax()]
    name = f"{top['language']} ({top['accent_group']})"
    worst_name = f"{worst['language']} ({worst['accent_group']})"
    same = name == worst_name
    text = (
        f"More recordings pay most for **{name}**: {format_pct(top['traffic_share'], 0)} of "
        f"voice traffic, and the last doubling of its data cut WER by "
        f"{100 * top['gain_last_doubling']:.1f} points. "
        + (
            "It is also the group with the worst WER."
            if same
            else f"The worst WER is {worst_name} ({format_pct(worst['wer_v2'])}), but it "
            f"sends only {format_pct(worst['traffic_share'], 0)} of voice traffic."
        )
    )
    return Finding(text, {"best_group": name, "worst_group": worst_name})


def accuracy_vs_baseline(y, score, threshold: float) -> Finding:
    """The model's accuracy at a threshold against predicting the common outcome."""
    y = np.asarray(y).astype(int)
    model = float(((np.asarray(score) >= threshold).astype(int) == y).mean())
    base = float((y == 0).mean())
    gap = model - base
    text = (
        f"At threshold {threshold:.2f} the model is {format_pct(model)} accurate; predicting "
        f"*delivered* for everyone is {format_pct(base)} accurate, "
        f"{abs(100 * gap):.1f} points {'lower' if gap >= 0 else 'higher'}. The model earns its "
        "keep in rupees and in RTOs caught, which accuracy does not show."
    )
    return Finding(text, {"model_accuracy": model, "majority_accuracy": base, "gap": gap})


def proxies(with_tier: pd.DataFrame, without_tier: pd.DataFrame, threshold: float) -> Finding:
    """The tier gap in false-positive rates of a model trained with and without ``city_tier``."""
    a = with_tier.set_index("group")["false_positive_rate"]
    b = without_tier.set_index("group")["false_positive_rate"]
    gap_a, gap_b = 100 * float(a.loc[3] - a.loc[1]), 100 * float(b.loc[3] - b.loc[1])
    if gap_b > 0:
        head = (
            f"Trained without `city_tier`, the model still flags {format_pct(b.loc[3])} of "
            f"tier-3's good orders against {format_pct(b.loc[1])} of tier-1's"
        )
    else:
        head = "Trained without `city_tier`, the model no longer flags more of tier-3's good orders"
    text = (
        f"{head} at threshold {threshold:.2f}: a gap of {gap_b:.1f} points, against "
        f"{gap_a:.1f} with it. The other columns carry the tier."
        if gap_b > 0
        else f"{head}: a gap of {gap_b:.1f} points, against {gap_a:.1f} with it."
    )
    return Finding(text, {"gap_with_pp": gap_a, "gap_without_pp": gap_b})
