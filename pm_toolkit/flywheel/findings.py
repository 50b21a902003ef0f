"""The sentences lesson 1 states, each built from a model run or the learner's data.

Every function returns a :class:`pm_toolkit.findings.Finding`: the words and the facts they
rest on, so ``tests/test_truth_flywheel.py`` can recompute each fact for several learners.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from pm_toolkit.findings import Finding, direction
from pm_toolkit.flywheel.calibration import Calibration
from pm_toolkit.flywheel.decisions import DecisionComparison
from pm_toolkit.flywheel.model import FlywheelParams, bass_peak_customers, simulate
from pm_toolkit.formatting import format_inr, format_pct

__all__ = [
    "bass_finding",
    "calibration_finding",
    "checkout_reach_finding",
    "comparison_finding",
    "emerging_finding",
    "link_experiments",
    "link_experiments_finding",
    "preferences_finding",
    "promotion_finding",
    "run_finding",
    "spread_finding",
    "teams_finding",
]


def _lakh(n: float) -> str:
    return f"{n / 1e5:,.1f} lakh"


def run_finding(run: pd.DataFrame) -> Finding:
    """Customers after one and five years, sellers, third-party share and cost per order."""
    y1, end, start = run.iloc[min(51, len(run) - 1)], run.iloc[-1], run.iloc[0]
    cost_word = direction(end["unit_cost"] - start["unit_cost"], up="rose", down="fell")
    text = (
        f"After one year the model has **{_lakh(y1['customers'])}** customers; after "
        f"{len(run)} weeks **{_lakh(end['customers'])}**. Third-party sellers went from "
        f"{start['sellers']:,.0f} to {end['sellers']:,.0f} and now supply "
        f"**{format_pct(end['third_party_share'], 0)}** of the selection, while the cost of "
        f"serving an order {cost_word} from {format_inr(start['unit_cost'])} to "
        f"{format_inr(end['unit_cost'])}."
    )
    facts = {
        "customers_year1": float(y1["customers"]),
        "customers_end": float(end["customers"]),
        "unit_cost_change": float(end["unit_cost"] - start["unit_cost"]),
    }
    return Finding(text, facts)


def bass_params() -> FlywheelParams:
    """The default wheel with every extra loop switched off: what remains is Bass diffusion."""
    return replace(FlywheelParams(), scale_economies=0.0, selection_weight=0.0, churn=0.0,
                   competitor_response=0.0, delivery_weight=0.0, availability_weight=0.0)  # fmt: skip


def bass_finding(periods: int = 260) -> Finding:
    """The closed-form Bass peak against the busiest week of the reduced model."""
    p = bass_params()
    run = simulate(p, periods)
    busiest = run.loc[run["new_customers"].idxmax()]
    peak = bass_peak_customers(p.market_size, p.innovation, p.imitation)
    text = (
        f"Formula: adoption peaks at **{_lakh(peak)}** customers. Model: the busiest week "
        f"(week {busiest['period']:.0f}) starts with **{_lakh(busiest['customers'])}**."
    )
    return Finding(text, {"formula_peak": peak, "model_peak": float(busiest["customers"])})


def link_experiments(periods: int = 260) -> dict[str, float]:
    """Customers at the end of four altered wheels, relative to the default wheel."""
    base = FlywheelParams()
    variants = {
        "markup doubled": replace(base, markup=2 * base.markup),
        "sellers do not add selection": replace(base, seller_link=False),
        "competitors respond twice as hard": replace(
            base, competitor_response=2 * base.competitor_response
        ),
        "no scale economies": replace(base, scale_economies=0.0),
    }
    end = simulate(base, periods)["customers"].iloc[-1]
    return {
        k: float(simulate(v, periods)["customers"].iloc[-1] / end - 1) for k, v in variants.items()
    }


def link_experiments_finding(changes: dict[str, float]) -> Finding:
    """One line per altered wheel, then the most damaging change."""
    worst = min(changes, key=changes.get)
    lines = [f"- **{k}:** {v:+.1%} customers after five years" for k, v in changes.items()]
    lines.append(
        f"\nIn this model the most damaging change is **{worst}** ({changes[worst]:+.0%})."
    )
    return Finding("\n".join(lines), {**changes, "worst": worst})


def calibration_finding(history: pd.DataFrame, cal: Calibration, n_params: int) -> Finding:
    """Amazon's third-party share at both ends of the series, and how well the fit follows it."""
    from pm_toolkit.flywheel.calibration import THIRD_PARTY_SOURCE

    first, last = history.iloc[0], history.iloc[-1]
    text = (
        f"Third-party share of Amazon's physical sales: **{first['share']:.0%}** in "
        f"{first['year']:.0f}, **{last['share']:.0%}** in {last['year']:.0f} (source: "
        f"{THIRD_PARTY_SOURCE}). Fitted knobs: {', '.join(cal.fitted)}; typical miss "
        f"**{cal.rmse:.1f} percentage points**. The other {n_params - len(cal.fitted)} knobs "
        "remain assumptions [A]."
    )
    return Finding(text, {"rmse": cal.rmse, "fitted": tuple(cal.fitted)})


def emerging_finding(growth: pd.DataFrame) -> Finding:
    """The fastest-rising category (trend and p-value), and whether the biggest one is it."""
    top = growth.iloc[0]
    biggest = str(growth.sort_values("total").iloc[-1]["category"])
    sure = (
        "a trend unlikely to be chance"
        if top["p_value"] < 0.05
        else "but the trend could be chance"
    )
    tail = (
        f"The biggest category, {biggest}, is not the one rising: size is not growth."
        if biggest != top["category"]
        else "It is also the biggest category."
    )
    text = (
        f"**{top['category']}** went from {top['share_first']:.1%} to {top['share_last']:.1%} of "
        f"product views: a trend of {top['weekly_growth']:+.1%} per week (p = "
        f"{top['p_value']:.1g}, {sure}). {tail}"
    )
    facts = {"emerging": str(top["category"]), "weekly_growth": float(top["weekly_growth"]),
             "p_value": float(top["p_value"]), "biggest": biggest}  # fmt: skip
    return Finding(text, facts)


def preferences_finding(prefs: pd.DataFrame) -> Finding:
    """Each segment's strongest lean (the category with its highest index)."""
    leans = prefs.idxmax(axis=1)
    text = "Each segment's strongest lean: " + "; ".join(
        f"**{seg}** → {cat} ({prefs.loc[seg, cat]:.0f})" for seg, cat in leans.items()
    )
    return Finding(text, {"leans": dict(leans)})


def promotion_finding(response: pd.DataFrame, alpha: float = 0.05) -> Finding:
    """Per segment, the banner with the highest lift, and whether that lift could be noise."""
    parts, best = [], {}
    for seg, rows in response.groupby("segment"):
        row = rows.loc[rows["lift"].idxmax()]
        best[seg] = (str(row["promotion"]), float(row["lift"]), float(row["p_value"]))
        sure = "significant" if row["p_value"] < alpha else "could be noise"
        parts.append(f"**{seg}** → {row['promotion']} ({row['lift']:+.0%}, p = "
                     f"{row['p_value']:.2g}: {sure})")  # fmt: skip
    return Finding("Best banner per segment: " + "; ".join(parts) + ".", {"best": best})


def checkout_reach_finding(reach: pd.DataFrame, alpha: float = 0.05) -> Finding:
    """Whether the share of sessions reaching checkout differs by banner."""
    p = float(reach["p_value"].iloc[0])
    shares = ", ".join(f"{r.promotion} {r.share:.2%}" for r in reach.itertuples())
    if p < alpha:
        verdict = (
            "the banner does change who reaches checkout, so a checkout-only comparison would "
            "mix the banner's effect with a change in the crowd"
        )
    else:
        verdict = (
            "this data shows no sign that the banner changes who reaches checkout; that is the "
            "extra assumption a checkout-only comparison needs, and it is an assumption, not a proof"
        )
    return Finding(f"Share of sessions reaching checkout: {shares} (p = {p:.2g}): {verdict}.",
                   {"p_value": p, "differs": p < alpha})  # fmt: skip


def teams_finding(guess, data) -> Finding:
    """The settings of the two teams (assumptions, not data)."""
    text = (
        f"- **Pricing:** reviewed every {guess.reprice_every} weeks by feel, typically "
        f"{guess.price_noise:.0%} off target (data-driven: every {data.reprice_every} week, "
        f"{data.price_noise:.0%} off). Between reviews prices lag falling costs.\n"
        f"- **Inventory:** forecasts miss by about {guess.forecast_error:.0%} (data-driven: "
        f"{data.forecast_error:.0%}), so some warehouses run out while others overflow.\n"
        f"- **Personalisation:** everyone sees the same page (experience boost "
        f"{guess.personalisation_lift} vs {data.personalisation_lift} for the data-driven team, "
        "on the model's experience scale).\n\nThe random errors come from your personal seed."
    )
    return Finding(text, {})


def comparison_finding(cmp: DecisionComparison) -> Finding:
    """How much later, smaller and poorer the guesswork team ends up, and its costliest factor."""
    sg, sd = cmp.summary_guess, cmp.summary_data
    delay = ("never reaches it within the run" if cmp.weeks_guess is None
             else f"needs **{cmp.weeks_guess - cmp.weeks_data} more weeks** to get there")  # fmt: skip
    margin_gap = 1 - sg["gross_margin"] / sd["gross_margin"]
    fewer = "fewer" if cmp.customer_gap >= 0 else "more"
    less = "less" if margin_gap >= 0 else "more"
    text = (
        f"The data-driven team reaches {_lakh(cmp.target)} customers in week {cmp.weeks_data}; "
        f"the guesswork team {delay}. It ends with {abs(cmp.customer_gap):.0%} {fewer} customers, "
        f"loses {sg['lost_sales_share']:.1%} of demand to stock-outs (vs "
        f"{sd['lost_sales_share']:.1%}), carries {sg['overstock_share']:.0%} overstock (vs "
        f"{sd['overstock_share']:.0%}) and earns {abs(margin_gap):.0%} {less} gross margin. The "
        f"costliest single decision to get wrong: **{cmp.costliest_factor}**."
    )
    facts = {"customer_gap": cmp.customer_gap, "margin_gap": margin_gap,
             "costliest": cmp.costliest_factor}  # fmt: skip
    return Finding(text, facts)


def spread_finding(spread: pd.DataFrame) -> Finding:
    """The comparison over many seeds: medians, range, and how often guesswork is behind."""
    behind = float((spread["customer_gap"] > 0).mean())
    luck = (
        "Luck changes *how much* slower the guesswork team is, not *whether* it is slower."
        if behind == 1
        else f"In {1 - behind:.0%} of the runs luck put guesswork level or ahead: a single run "
        "proves little."
    )
    cust, margin = spread["customer_gap"].median(), spread["margin_gap"].median()
    delays = pd.to_numeric(spread["delay_weeks"], errors="coerce")
    never = int(delays.isna().sum())
    reach = (
        f"reaches the target a median of **{delays.median():.0f} weeks** later (from "
        f"{delays.min():.0f} to {delays.max():.0f})"
        if never == 0
        else f"never reaches the target in {never} of them"
    )
    text = (
        f"Over {len(spread)} runs, guesswork {reach}, ends with {abs(cust):.0%} "
        f"{'fewer' if cust >= 0 else 'more'} customers and {abs(margin):.0%} "
        f"{'less' if margin >= 0 else 'more'} margin (medians). Guesswork comes out behind "
        f"in **{behind:.0%}** of the runs. {luck}"
    )
    return Finding(text, {"behind_share": behind})
