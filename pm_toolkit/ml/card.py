"""Working with ML engineers: the questions to ask, and a one-page model card.

A model card (after Mitchell et al., "Model Cards for Model Reporting", 2019) says in one page
what a model is for, what it was trained and tested on, how well it does overall and for each
group it touches, what it costs when wrong, and what would make the team switch it off. The
PM owns the parts that are decisions (intended use, the threshold's costs, the stop rules);
the numbers come from the evaluation.

>>> card = ModelCard(name="COD risk", intended_use="nudge risky COD orders to prepay")
>>> "nudge risky COD orders" in card.markdown()
True
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

#: (question, why it matters): what a PM asks before an ML model ships.
QUESTIONS = (
    ("What decision will the model change, and what happens today without it?",
     "No decision, no model: a score nobody acts on is a cost."),
    ("What is the baseline: the rule in use, the majority class, 'most popular'?",
     "A model is only as good as its margin over the simplest alternative."),
    ("How was the test set split: by time, or at random?",
     "Only a split by time mimics using the model on orders that have not happened yet."),
    ("Which columns does it read, and is each one known at the moment of the decision?",
     "A column recorded after the outcome makes a model brilliant offline and useless live."),
    ("What does each kind of mistake cost in rupees, and which threshold follows?",
     "Accuracy weighs a missed RTO and a lost sale equally; the business does not."),
    ("How does it do for each city tier, language and device?",
     "An overall score can hide a group that carries most of the false alarms."),
    ("Are the scores calibrated: do '30 %' orders go wrong 30 % of the time?",
     "Thresholds and rupee estimates assume they are."),
    ("How will we know it works: which A/B test, which holdout, which guardrails?",
     "An offline score is not an online result."),
    ("When will it be retrained, and what drift would make us switch it off?",
     "Customers, couriers and fraudsters change; a model trained last year ages."),
)  # fmt: skip


@dataclass(frozen=True)
class ModelCard:
    """A one-page model card. Empty fields print as "to fill in"."""

    name: str
    intended_use: str = ""
    not_for: str = ""
    training_data: str = ""
    evaluation: str = ""
    threshold_and_costs: str = ""
    groups: str = ""
    limits: str = ""
    monitoring: str = ""
    owner: str = ""
    numbers: dict = field(default_factory=dict)

    def missing(self) -> list[str]:
        """The fields still empty."""
        return [f.name for f in fields(self) if f.name != "numbers" and not getattr(self, f.name)]

    def markdown(self) -> str:
        lines = [f"### Model card: {self.name}", ""]
        for f in fields(self):
            if f.name in ("name", "numbers"):
                continue
            value = getattr(self, f.name) or "*(to fill in)*"
            lines.append(f"- **{f.name.replace('_', ' ')}**: {value}")
        if self.numbers:
            lines.append("")
            lines.append("| measured on the test window | value |")
            lines.append("|---|---|")
            lines += [f"| {k} | {v} |" for k, v in self.numbers.items()]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.markdown()


def questions_markdown() -> str:
    """The questions as a numbered Markdown list, each with why it matters."""
    return "\n".join(f"{i}. **{q}** {why}" for i, (q, why) in enumerate(QUESTIONS, 1))


def rto_card(split, test_auc: float, threshold: float, groups, **fields: str) -> ModelCard:
    """The COD risk model's card with the measured parts filled in from the learner's data;
    ``fields`` are the parts a PM writes (``intended_use``, ``not_for``, ``limits``,
    ``monitoring``, ``owner``)."""
    fpr = groups.set_index("group")["false_positive_rate"]
    train, test = split.train["order_ts"], split.test["order_ts"]
    return ModelCard(
        name="COD RTO risk score (logistic regression)",
        training_data=f"{len(train):,} COD orders, {train.min():%d %b %Y} – {train.max():%d %b %Y}",
        evaluation=f"{len(test):,} later COD orders, {test.min():%d %b %Y} – {test.max():%d %b %Y}",
        threshold_and_costs=f"act at a score of {threshold:.2f}: ₹200 per missed RTO, "
        "₹110 per refused good order [A]",
        groups=", ".join(
            f"tier {g}: {100 * v:.1f}% of good orders flagged" for g, v in fpr.items()
        ),
        numbers={"test ROC-AUC": f"{test_auc:.3f}", "threshold": f"{threshold:.2f}"},
        **fields,
    )
