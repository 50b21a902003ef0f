"""Case 4: a support bot for English and Hinglish messages, and when to hand over to a human.

The bot reads a message, guesses its reason (late delivery, refund, …) with a confidence,
and answers only when the confidence clears a **cut-off**; below it, a human agent takes over.
A higher cut-off means fewer wrong answers (**misroutes**: a refund question answered with a
delivery update) but fewer contacts the bot resolves (**deflection**). Each has a price, so
the cut-off is again a money decision.

The classifier is TF-IDF over character n-grams (robust to typos and to "nahi / nhi / nai")
feeding a logistic regression, both scikit-learn.

>>> import pandas as pd
>>> train = pd.DataFrame({"text": ["where is my order", "order kab aayega", "refund not received",
...                                "refund kab milega"] * 5,
...                       "reason": ["late_delivery", "late_delivery", "refund", "refund"] * 5})
>>> bot = train_intent_model(train)
>>> bot.predict(["mera refund kab aayega"])[0][0]
'refund'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from pm_toolkit.ml.splits import Split, time_split

TEST_START = "2025-09-01"
#: The cut-off the lesson's exercise reads the deflection rate at.
REVIEW_CUTOFF = 0.7
CUTOFFS = tuple(round(c, 2) for c in np.arange(0.3, 0.96, 0.05))


@dataclass(frozen=True)
class BotCosts:
    """₹ per contact [A]: a human agent's handling, the bot's running cost, and a misroute
    (the customer comes back angrier, to a human, and some leave)."""

    agent: float = 45.0
    bot: float = 3.0
    misroute: float = 150.0


BOT_COSTS = BotCosts()


def split_messages(messages: pd.DataFrame, cutoff: str = TEST_START) -> Split:
    """Messages before ``cutoff`` to train on, messages from then on to test."""
    return time_split(messages, "ts", cutoff)


@dataclass(frozen=True)
class IntentModel:
    """A fitted TF-IDF + logistic-regression pipeline."""

    pipeline: Pipeline = field(repr=False)

    def predict(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The most likely reason of each text and the model's confidence in it (0–1)."""
        with threadpool_limits(1):
            proba = self.pipeline.predict_proba(list(texts))
        classes = self.pipeline.classes_
        return classes[proba.argmax(axis=1)], proba.max(axis=1)


def train_intent_model(train: pd.DataFrame) -> IntentModel:
    """Fit the bot's classifier on ``train`` (columns ``text``, ``reason``)."""
    pipe = Pipeline(
        [
            ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)),
            ("model", LogisticRegression(C=10.0, max_iter=2_000)),
        ]
    )
    with threadpool_limits(1):
        pipe.fit(train["text"].tolist(), train["reason"].to_numpy())
    return IntentModel(pipe)


@dataclass(frozen=True)
class BotResult:
    """What the bot does at one cut-off on a set of messages."""

    cutoff: float
    contacts: int
    answered: int  # confidence ≥ cut-off: the bot answers
    misrouted: int  # answered with the wrong reason

    @property
    def deflection(self) -> float:
        """Share of contacts the bot answers without a human."""
        return self.answered / self.contacts if self.contacts else float("nan")

    @property
    def misroute_rate(self) -> float:
        """Share of the bot's answers that address the wrong reason."""
        return self.misrouted / self.answered if self.answered else float("nan")

    def cost(self, costs: BotCosts = BOT_COSTS) -> float:
        """₹ for all contacts: bot answers, misroutes and the humans who take the rest."""
        handed = self.contacts - self.answered
        return float(
            self.answered * costs.bot + self.misrouted * costs.misroute + handed * costs.agent
        )


def bot_at(model: IntentModel, messages: pd.DataFrame, cutoff: float) -> BotResult:
    """The bot on ``messages`` when it answers only at confidence ≥ ``cutoff``."""
    reason, conf = model.predict(messages["text"])
    answered = conf >= cutoff
    wrong = answered & (reason != messages["reason"].to_numpy())
    return BotResult(float(cutoff), len(messages), int(answered.sum()), int(wrong.sum()))


def cutoff_table(
    model: IntentModel,
    messages: pd.DataFrame,
    costs: BotCosts = BOT_COSTS,
    cutoffs: Sequence[float] = CUTOFFS,
) -> pd.DataFrame:
    """Per cut-off: deflection, misroute rate, and ₹ per 1,000 contacts (vs all-human)."""
    reason, conf = model.predict(messages["text"])
    truth = messages["reason"].to_numpy()
    rows = []
    for c in cutoffs:
        answered = conf >= c
        r = BotResult(float(c), len(messages), int(answered.sum()),
                      int((answered & (reason != truth)).sum()))  # fmt: skip
        rows.append(
            {
                "cutoff": float(c),
                "deflection": r.deflection,
                "misroute_rate": r.misroute_rate,
                "cost_per_1000": 1000 * r.cost(costs) / r.contacts,
            }
        )
    out = pd.DataFrame(rows)
    out["saving_per_1000_vs_humans"] = 1000 * costs.agent - out["cost_per_1000"]
    return out


def accuracy_by(model: IntentModel, messages: pd.DataFrame, by: str = "language") -> pd.DataFrame:
    """Accuracy over all messages, and deflection at ``REVIEW_CUTOFF``, per group."""
    reason, conf = model.predict(messages["text"])
    t = messages.assign(
        correct=reason == messages["reason"].to_numpy(), answered=conf >= REVIEW_CUTOFF
    )
    return (
        t.groupby(by)
        .agg(
            messages=("correct", "size"),
            accuracy=("correct", "mean"),
            deflection=("answered", "mean"),
        )
        .reset_index()
    )
