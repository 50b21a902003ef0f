"""How long does lesson 7 spend training and evaluating its models on the `small` data?

Times every model the lesson fits and every evaluation it runs, on the learner's cached `small`
tables (loaded once, outside the timing): the COD risk models (logistic regression, gradient
boosting, the leaky model), the threshold sweep, calibration, the leakage screen, two learning
curves, the item-to-item recommender with its offline hit-rates, the promotion uplift table and
policy, the choice of k for k-means and the final clustering, the support bot's intent model
with its cut-off table, and the voice WER table. Target: **under 10 s in total** on a 2-core
machine. No assertion: compare on one machine.

Baseline measured in the same run: gradient boosting with scikit-learn's default OpenMP threads
(the toolkit fits with one thread: on a shared 2-core laptop or hub, threads fight and lose).
Each line shows wall and CPU seconds; on a busy machine the gap is time spent waiting for a core.

    python benchmarks/bench_ml.py [--repeats 3] [--seed 2026]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from pm_toolkit import data, ml
from pm_toolkit.ml import clusters, intents, recommend, rto, targeting, voice

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import Clock

TARGET_S = 10.0


def steps(t: dict) -> dict:
    """Each step of the lesson as a function of the loaded tables (in lesson order)."""
    split = rto.split_cod(t["cod_orders"])
    y = rto.rto_label(split.test)
    state: dict = {}

    def logistic():
        state["score"] = rto.fit_model(split.train, "logistic").score(split.test)

    def evaluate():
        s = state["score"]
        ml.threshold_table(y, s, rto.RTO_COSTS)
        t_best = ml.best_threshold(y, s, rto.RTO_COSTS)
        ml.by_group(y, s, split.test["city_tier"], t_best)
        ml.calibration_table(y, s)

    bsplit = recommend.split_baskets(t["basket_items"])
    msplit = intents.split_messages(t["support_messages"])
    promo = t["promo_test"]

    def bot():
        model = intents.train_intent_model(msplit.train)
        intents.cutoff_table(model, msplit.test)
        intents.accuracy_by(model, msplit.test)

    def kmeans():
        choice = clusters.choose_k(promo)
        clusters.fit_clusters(promo, choice.best_k)

    return {
        "COD: logistic regression": logistic,
        "COD: gradient boosting": lambda: rto.fit_model(split.train, "boosting").score(split.test),
        "COD: leaky model": lambda: rto.fit_model(
            split.train, features=(*rto.FEATURES, rto.LEAKY)
        ).score(split.test),
        "COD: thresholds, fairness, calibration": evaluate,
        "COD: leakage screen": lambda: rto.leakage(split.train),
        "COD: learning curves (tree, logistic)": lambda: [
            rto.learning_curve(split, k) for k in ("tree", "logistic")
        ],
        "recs: item-to-item + hit-rates + cold start": lambda: (
            recommend.compare(bsplit),
            recommend.cold_start(bsplit),
        ),
        "offers: uplift, policy, holdout": lambda: (
            targeting.holdout_plan(promo)
            and targeting.policy_value(promo, targeting.best_offers(targeting.uplift_table(promo)))
        ),
        "offers: k-means, choice of k": kmeans,
        "bot: intent model + cut-offs": bot,
        "voice: WER and data priority": lambda: voice.data_priority(t["asr_results"]),
    }


def boosting_threads_baseline(t: dict) -> None:
    """Gradient boosting with scikit-learn's default threads (what the toolkit avoids)."""
    split = rto.split_cod(t["cod_orders"])
    pipe = rto._pipeline("boosting", rto.FEATURES, 0)
    pipe.fit(rto._inputs(split.train, rto.FEATURES), rto.rto_label(split.train))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    names = ("cod_orders", "basket_items", "promo_test", "support_messages", "asr_results")
    tables = {n: data.load(n, scale="small", seed=args.seed) for n in names}
    totals_wall, totals_cpu = np.zeros(args.repeats), np.zeros(args.repeats)
    rows: dict[str, Clock] = {}
    for r in range(args.repeats):
        for name, fn in steps(tables).items():
            clock = rows.setdefault(name, Clock())
            with clock():
                fn()
            totals_wall[r] += clock.wall[-1]
            totals_cpu[r] += clock.cpu[-1]
    print(f"lesson 7 models on `small` (seed {args.seed}), median of {args.repeats} runs:")
    for name, clock in rows.items():
        print(
            f"  {name:<46} {np.median(clock.wall):6.2f} s wall   {np.median(clock.cpu):6.2f} s CPU"
        )
    wall, cpu = float(np.median(totals_wall)), float(np.median(totals_cpu))
    verdict = "meets" if wall < TARGET_S else "MISSES"
    print(f"  {'total':<46} {wall:6.2f} s wall   {cpu:6.2f} s CPU   "
          f"({wall / TARGET_S:.2f}× the {TARGET_S:.0f} s target: {verdict})")  # fmt: skip

    one, default = Clock(), Clock()
    split = rto.split_cod(tables["cod_orders"])
    for _ in range(args.repeats):
        with one():
            rto.fit_model(split.train, "boosting")
        with default():
            boosting_threads_baseline(tables)
    print(
        f"gradient boosting fit: one thread {np.median(one.wall):.2f} s wall, default threads "
        f"(baseline) {np.median(default.wall):.2f} s wall: "
        f"{np.median(default.wall) / np.median(one.wall):.2f}× the toolkit's time"
    )


if __name__ == "__main__":
    main()
