"""Speech-recognition test results by language and accent group, for two model versions.

Voice shopping only works if the recogniser understands the shopper. Each (language, accent
group) has a planted amount of training speech and a planted learning curve

    WER(hours) = floor + K · hours^(−1/2)      (word error rate; K and the exponent shared)

Model ``v2`` (today's) was trained on ``training_hours``; ``v1`` on half as much. Each test
utterance records the words said (``ref_words``) and the recogniser's substitutions, deletions
and insertions, so WER = Σ(S + D + I) / Σ words per group. The gain from the last doubling of
data, times the group's share of voice traffic, says where the next hours of recordings pay
most: not where the error rate is highest.

>>> tab, truth = make_asr_results(1, "tiny")
>>> truth["best_group_for_more_data"]
'hinglish/north'
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pm_toolkit.data.arrowutil import decode
from pm_toolkit.data.ml_world import ml_rng, ml_size

#: (language, accent group, share of voice traffic, training hours of v2, error floor) [A]
GROUPS = (
    ("english", "north", 0.15, 2000, 0.08),
    ("english", "south", 0.11, 1200, 0.09),
    ("english", "east", 0.05, 300, 0.09),
    ("english", "northeast", 0.02, 60, 0.10),
    ("hindi", "north", 0.17, 1600, 0.10),
    ("hindi", "east", 0.07, 250, 0.11),
    ("hinglish", "north", 0.20, 120, 0.11),
    ("hinglish", "west", 0.06, 200, 0.11),
    ("tamil", "south", 0.05, 150, 0.12),
    ("telugu", "south", 0.04, 120, 0.12),
    ("bengali", "east", 0.05, 100, 0.12),
    ("marathi", "west", 0.03, 90, 0.12),
)
K_CURVE = 2.0
EXPONENT = 0.5
MODELS = ("v1", "v2")  # v1 trained on half of v2's hours
SPEAKER_SPREAD = 50.0  # Beta concentration of per-utterance error rates around the group's WER
INSERT_SHARE = 0.1  # insertions per word, as a share of the error rate


def wer_curve(hours: float | np.ndarray, floor: float) -> np.ndarray:
    """The planted word error rate of a model trained on ``hours`` of speech."""
    return floor + K_CURVE * np.asarray(hours, dtype=float) ** -EXPONENT


def group_name(language: str, accent: str) -> str:
    return f"{language}/{accent}"


def planted_value_of_doubling() -> dict[str, float]:
    """Word errors avoided per 100 voice words by doubling each group's data: traffic share ×
    (WER now − WER with twice the hours)."""
    return {
        group_name(lang, acc): float(share * (wer_curve(h, fl) - wer_curve(2 * h, fl)))
        for lang, acc, share, h, fl in GROUPS
    }


def make_asr_results(seed: int, scale: str, customers=None, products=None) -> tuple[pa.Table, dict]:
    """One row per test utterance × model version (``customers``/``products`` unused)."""
    rng = ml_rng(seed, "asr_results")
    per = ml_size("asr_results", scale)
    n_g, n_m = len(GROUPS), len(MODELS)
    g = np.repeat(np.arange(n_g), n_m * per)
    m = np.tile(np.repeat(np.arange(n_m), per), n_g)
    n = len(g)
    hours = np.array([x[3] for x in GROUPS], dtype=float)[g] / np.where(m == 0, 2.0, 1.0)
    floor = np.array([x[4] for x in GROUPS])[g]
    wer = wer_curve(hours, floor)
    p_u = rng().beta(SPEAKER_SPREAD * wer, SPEAKER_SPREAD * (1 - wer))
    words = 3 + rng().poisson(5.0, n)
    miss = rng().binomial(words, np.clip(p_u * (1 - INSERT_SHARE), 0, 1))
    subs = rng().binomial(miss, 0.7)
    ins = rng().poisson(p_u * INSERT_SHARE * words)
    lang = [x[0] for x in GROUPS]
    langs = sorted(set(lang))
    accents = sorted({x[1] for x in GROUPS})
    table = pa.table(
        {
            "utterance_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "model": decode(m, MODELS),
            "language": decode(np.array([langs.index(x) for x in lang])[g], langs),
            "accent_group": decode(np.array([accents.index(x[1]) for x in GROUPS])[g], accents),
            "training_hours": pa.array(hours.astype(np.int32)),
            "traffic_share": pa.array(np.array([x[2] for x in GROUPS])[g]),
            "ref_words": pa.array(words.astype(np.int16)),
            "substitutions": pa.array(subs.astype(np.int16)),
            "deletions": pa.array((miss - subs).astype(np.int16)),
            "insertions": pa.array(ins.astype(np.int16)),
        }
    )
    value = planted_value_of_doubling()
    wer_now = {group_name(a, b): float(wer_curve(h, fl)) for a, b, _s, h, fl in GROUPS}
    truth = {
        "curve": f"WER(h) = floor + {K_CURVE} * h^-{EXPONENT}",
        "groups": {
            group_name(lang_, acc): {
                "traffic_share": share,
                "training_hours_v2": h,
                "floor": fl,
                "wer_v1": float(wer_curve(h / 2, fl)),
                "wer_v2": float(wer_curve(h, fl)),
            }
            for lang_, acc, share, h, fl in GROUPS
        },
        "value_of_doubling": value,
        "best_group_for_more_data": max(value, key=value.get),
        "worst_wer_group": max(wer_now, key=wer_now.get),
    }
    return table, truth
