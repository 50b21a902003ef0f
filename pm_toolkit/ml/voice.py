"""Case 4b: the same bot by voice. Word error rate by language and accent group.

A speech recogniser's **word error rate** (WER) counts the words it got wrong: substituted,
deleted or inserted, over the words actually said. WER = (S + D + I) / N, summed over a
group's test utterances (not an average of per-utterance rates, which over-weights short ones).

Where do more recordings pay most? Not necessarily where WER is worst: a group's value is how
much error the next batch of training data removes, times how much voice traffic the group
sends. The gain from the last doubling of data (model ``v1`` → ``v2``) is the evidence at hand.

>>> import pandas as pd
>>> t = pd.DataFrame({"language": ["hi", "hi"], "accent_group": ["n", "n"], "model": ["v2", "v2"],
...                   "ref_words": [10, 30], "substitutions": [1, 2], "deletions": [0, 1],
...                   "insertions": [1, 0]})
>>> float(wer_table(t)["wer"].iloc[0])
0.125
"""

from __future__ import annotations

import pandas as pd

GROUP = ("language", "accent_group")


def wer_table(asr: pd.DataFrame, model: str = "v2") -> pd.DataFrame:
    """Per language × accent group: words said, errors, and WER of ``model``."""
    t = asr[asr["model"] == model]
    t = t.assign(errors=t["substitutions"] + t["deletions"] + t["insertions"])
    out = t.groupby(list(GROUP)).agg(words=("ref_words", "sum"), errors=("errors", "sum"))
    out["wer"] = out["errors"] / out["words"]
    return out.reset_index()


def data_priority(asr: pd.DataFrame) -> pd.DataFrame:
    """Per group: traffic share, WER of v1 and v2, the gain of the last doubling of data,
    and its value = traffic share × gain (errors avoided per 100 voice words if the next
    doubling helps as much); highest value first."""
    v1 = wer_table(asr, "v1").set_index(list(GROUP))["wer"]
    v2 = wer_table(asr, "v2").set_index(list(GROUP))["wer"]
    info = asr.groupby(list(GROUP)).agg(
        traffic_share=("traffic_share", "first"), hours_now=("training_hours", "max")
    )
    out = info.assign(wer_v1=v1, wer_v2=v2)
    out["gain_last_doubling"] = out["wer_v1"] - out["wer_v2"]
    out["value"] = 100 * out["traffic_share"] * out["gain_last_doubling"]
    return out.sort_values("value", ascending=False).reset_index()
