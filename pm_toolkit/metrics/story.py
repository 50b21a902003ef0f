"""What Lesson 2 says about the learner's data: every sentence computed, never typed.

Each function returns a :class:`~pm_toolkit.findings.Finding` (the words and the facts they rest
on) or a small record that carries one, so ``tests/test_truth_metrics.py`` can recompute each
fact independently for several learner seeds and check the words.

>>> import pandas as pd
>>> bd = pd.DataFrame({"sessions": [600, 300, 100], "share_of_sessions": [0.6, 0.3, 0.1],
...     "conversion_rate": [0.01, 0.02, 0.03]}, index=["mobile_web", "app", "desktop"])
>>> device_finding(bd).facts["best"], round(device_finding(bd).facts["worst_to_best"], 2)
('desktop', 0.33)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pm_toolkit.findings import Finding, change_phrase, direction, significance, tidy_table
from pm_toolkit.formatting import format_inr, format_inr_compact, format_pct

from ._common import _name
from .definitions import ORDER_STATUSES, SALE_STATUS
from .rates import conversion_rate
from .value import average_order_value

__all__ = [
    "SaleWeek",
    "bots_finding",
    "bounce_lever",
    "cart_device_finding",
    "cod_finding",
    "daily_average_trap",
    "data_summary",
    "device_finding",
    "festive_aov_finding",
    "load_sensitivity_finding",
    "order_status_table",
    "ratio_trap_finding",
    "raw_vs_clean",
    "retention_finding",
    "sale_week",
    "simpson_finding",
    "smallest_segment",
    "status_finding",
    "tail_finding",
    "totals_vs_uniques",
    "unseen_cohort_cells",
]


def data_summary(sessions: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame) -> Finding:
    """How many rows and which dates the learner's tables cover."""
    first, last = sessions["start_ts"].min(), sessions["start_ts"].max()
    text = (
        f"{len(sessions):,} sessions, {len(events):,} events and {len(orders):,} orders, "
        f"from {first:%d %b %Y} to {last:%d %b %Y}."
    )
    return Finding(text, {"sessions": len(sessions), "events": len(events), "orders": len(orders)})


def order_status_table(orders: pd.DataFrame) -> pd.DataFrame:
    """Placed orders by status: how many, their value, and whether each counts as a sale.

    Money in lakh/crore and shares as percentages: a table to read, not to compute on.
    """
    g = orders.groupby("status")["net_value"].agg(["size", "sum"]).reindex(ORDER_STATUSES)
    g = g.fillna(0)
    out = pd.DataFrame(
        {
            "orders": g["size"].astype(int),
            "share of orders": g["size"] / g["size"].sum(),
            "value (₹)": g["sum"],
            "counts as a sale": ["yes" if s == SALE_STATUS else "no" for s in g.index],
        }
    )
    out.index.name = "status"
    return tidy_table(out, compact_money=["value (₹)"], pct=["share of orders"])


def status_finding(orders: pd.DataFrame) -> Finding:
    """How much larger "revenue" looks when every placed order counts."""
    placed = float(orders["net_value"].sum())
    sold = float(orders.loc[orders["status"] == SALE_STATUS, "net_value"].sum())
    share = (orders["status"] == SALE_STATUS).mean()
    over = placed / sold - 1 if sold else math.nan
    text = (
        f"{share:.0%} of placed orders became sales. Adding up every placed order would report "
        f"{format_inr_compact(placed)} of revenue instead of {format_inr_compact(sold)}: "
        f"{over:.0%} too much."
    )
    return Finding(text, {"sale_share": share, "placed_value": placed, "sales_value": sold})


def device_finding(by_device: pd.DataFrame) -> Finding:
    """Which device converts best and worst, and whether the biggest segment is the weakest."""
    rate = by_device["conversion_rate"]
    best, worst = str(rate.idxmax()), str(rate.idxmin())
    biggest = str(by_device["share_of_sessions"].idxmax())
    big = by_device.loc[biggest]
    text = (
        f"**{_name(worst).capitalize()}** sessions convert at {rate[worst]:.2%}, "
        f"{rate[worst] / rate[best]:.2f}× the rate of {_name(best)} ({rate[best]:.2%}). "
        f"{_name(biggest).capitalize()} brings {big['share_of_sessions']:.0%} of sessions"
        + (
            ": the biggest segment is also the weakest, so a small gain there moves the total "
            "most. In a mobile-first market this is the checkout to fix first."
            if biggest == worst
            else f" and converts at {big['conversion_rate']:.2%}."
        )
    )
    return Finding(
        text,
        {
            "best": best,
            "worst": worst,
            "biggest": biggest,
            "worst_to_best": float(rate[worst] / rate[best]),
            "biggest_is_worst": biggest == worst,
        },
    )


def festive_aov_finding(orders: pd.DataFrame, start, end) -> Finding:
    """Orders a day and AOV in the sale week against the other weeks (sales only)."""
    sales = orders[orders["status"] == SALE_STATUS]
    day = sales["order_ts"].dt.date
    in_sale = (day >= start) & (day <= end)
    sale_days = (end - start).days + 1
    other_days = max(day.nunique() - sale_days, 1)
    aov_sale = average_order_value(sales[in_sale]).value
    aov_other = average_order_value(sales[~in_sale]).value
    change = aov_sale / aov_other - 1
    basket = (
        "about the same size"
        if abs(change) < 0.05
        else f"{abs(change):.0%} {'smaller' if change < 0 else 'bigger'}"
    )
    per_day_sale, per_day_other = in_sale.sum() / sale_days, (~in_sale).sum() / other_days
    more = "more" if per_day_sale > per_day_other else "fewer"
    text = (
        f"Sale week: **{per_day_sale:.1f} sales a day** at AOV {format_inr(aov_sale)}; other "
        f"weeks: {per_day_other:.1f} a day at AOV {format_inr(aov_other)}. In your data the sale "
        f"brings {more} orders a day, and baskets are {basket}."
    )
    return Finding(
        text,
        {
            "sales_per_day_sale": per_day_sale,
            "sales_per_day_other": per_day_other,
            "aov_change": change,
        },
    )


def cart_device_finding(cart_by_device: pd.DataFrame) -> Finding:
    """The device that loses the largest share of its carts (``device``, ``cart_sessions``,
    ``cart_abandonment`` columns, as the lesson's SQL returns them)."""
    worst = cart_by_device.loc[cart_by_device["cart_abandonment"].idxmax()]
    text = (
        f"**{_name(worst['device']).capitalize()}** loses the largest share of its carts: "
        f"{worst['cart_abandonment']:.0%} of its {int(worst['cart_sessions']):,} cart sessions "
        "end unpaid. That is where a one-tap UPI flow or saved addresses would pay off first."
    )
    return Finding(text, {"worst_device": str(worst["device"])})


def load_sensitivity_finding(naive, fair) -> Finding:
    """Naive vs segment-adjusted conversion cost of 100 ms (two ``LoadTimeEffect`` records)."""
    inflated = naive.k_per_s > fair.ci_high
    text = (
        f"Ignoring device, each extra 100 ms seems to cost **{naive.pct_per_100ms:.1%}** of "
        f"conversion. Comparing sessions on the same device and city tier, it is "
        f"**{fair.pct_per_100ms:.1%}** (95 % interval of k: {fair.ci_low:.2f} to "
        f"{fair.ci_high:.2f} per second). "
        + (
            "The naive figure is inflated: the slow device is also the one that converts less "
            "for other reasons (smaller screens, more browsing). Speed matters, but less than "
            "the raw chart suggests."
            if inflated
            else "Here device and city tier explain little of the relation: the naive figure "
            "sits inside the adjusted interval or below it."
        )
    )
    return Finding(text, {"naive_inflated": bool(inflated), "k_adjusted": fair.k_per_s})


def bounce_lever(sessions: pd.DataFrame, events: pd.DataFrame) -> tuple[pd.DataFrame, Finding]:
    """Bounce by load-time band and device (cells under 100 sessions hidden), and which lever
    moves bounce more in the learner's data: the landing page or the speed of the first page."""
    per = events.groupby("session_id").size()
    bounced = per.reindex(sessions["session_id"]).eq(1).to_numpy()
    edges = [0, 1000, 1500, 2000, 3000, 4000, math.inf]
    labels = ["<1 s", "1–1.5 s", "1.5–2 s", "2–3 s", "3–4 s", "≥4 s"]
    band = pd.cut(sessions["page_load_ms"], bins=edges, labels=labels, right=False)
    frame = pd.DataFrame({"bounced": bounced, "band": band, "device": sessions["device"].values})
    frame["landing"] = sessions["landing_page"].to_numpy()
    by_landing = frame.groupby("landing")["bounced"].mean()
    grid = frame.groupby(["band", "device"], observed=True)["bounced"].agg(["mean", "size"])
    by_load = grid["mean"].where(grid["size"] >= 100).unstack()
    climb = by_load.ffill().iloc[-1] - by_load.bfill().iloc[0]
    spread = by_landing.max() - by_landing.min()
    speed_wins = bool(climb.max() > spread)
    lever = (
        f"making the first page load faster (on {_name(climb.idxmax())} bounce climbs "
        f"{100 * climb.max():.1f} points from the fastest to the slowest pages)"
        if speed_wins
        else "rewriting landing pages (speed moves bounce less than the choice of page does)"
    )
    text = (
        f"Landing pages differ by {100 * spread:.1f} percentage points ('{by_landing.idxmax()}' "
        f"{by_landing.max():.1%}, '{by_landing.idxmin()}' {by_landing.min():.1%}). In your data "
        f"the bigger lever on bounce is {lever}."
    )
    facts = {"speed_wins": speed_wins, "landing_spread": spread, "load_climb": climb.max()}
    return by_load, Finding(text, facts)


def cod_finding(orders: pd.DataFrame) -> Finding:
    """Cash on delivery: its share of orders and how often it comes back undelivered."""
    cod = orders["payment_method"] == "cod"
    rto = orders["status"] == "rto"
    cod_rto, pre_rto = rto[cod].mean(), rto[~cod].mean()
    text = (
        f"Cash on delivery is {cod.mean():.0%} of orders, and {cod_rto:.0%} of COD orders come "
        f"back undelivered (return to origin), against {pre_rto:.1%} of prepaid orders. That is "
        "why this course counts a sale only once it is delivered and kept."
    )
    return Finding(text, {"cod_share": cod.mean(), "cod_rto": cod_rto, "prepaid_rto": pre_rto})


def simpson_finding(shift) -> Finding:
    """The September → October device comparison in words (a ``MixShift``)."""
    t = shift.table
    up = int((t["rate_change"] > 0).sum())
    total = direction(shift.change, up="rose", down="fell")
    text = (
        f"{up} of {len(t)} devices converted better in October, and the total {total} "
        f"{abs(100 * shift.change):.2f} percentage points. Split the change: within devices "
        f"**{100 * shift.within:+.2f}** points, traffic moving between devices "
        f"**{100 * shift.mix:+.2f}** points. "
        + (
            "That is Simpson's paradox: every part improved while the whole got worse. "
            if shift.paradox
            else ""
        )
        + "Before you blame the product for a falling total, check whether the mix changed."
    )
    facts = {
        "devices_up": up,
        "change": shift.change,
        "within": shift.within,
        "mix": shift.mix,
        "paradox": shift.paradox,
    }
    return Finding(text, facts)


def tail_finding(sessions: pd.DataFrame) -> tuple[pd.DataFrame, Finding]:
    """Mean, median and p95 page load by device and city tier, and who waits longest."""
    tails = (
        sessions.groupby(["device", "city_tier"])["page_load_ms"]
        .agg(mean="mean", p50="median", p95=lambda s: s.quantile(0.95))
        .round(0)
        .astype("Int64")
    )
    slowest = tails["p95"].idxmax()
    by_dev = tails["p95"].groupby(level="device").agg(["min", "max"])
    city_range = float((by_dev["max"] - by_dev["min"]).max())
    device_range = float(by_dev["max"].max() - by_dev["max"].min())
    device_decides = city_range < device_range
    text = (
        f"Overall mean: {sessions['page_load_ms'].mean():,.0f} ms. But "
        f"**{_name(slowest[0])} users in tier-{slowest[1]:.0f} cities** wait more than "
        f"{tails.loc[slowest, 'p95']:,.0f} ms in 1 session out of 20. Across city tiers the "
        f"{_name(slowest[0])} p95 ranges from {by_dev.loc[slowest[0], 'min']:,.0f} to "
        f"{by_dev.loc[slowest[0], 'max']:,.0f} ms, while between devices the worst p95 ranges "
        f"from {by_dev['max'].min():,.0f} to {by_dev['max'].max():,.0f} ms"
        + (
            ": in your data the device, not the city, decides who waits."
            if device_decides
            else ": both the device and the city matter."
        )
    )
    facts = {"slowest_device": slowest[0], "device_decides": bool(device_decides)}
    return tails, Finding(text, facts)


def bots_finding(traffic, orders: pd.DataFrame, sessions_raw: pd.DataFrame) -> Finding:
    """What bots do to counts and rates (a ``HumanTraffic`` record)."""
    bot = sessions_raw["session_id"].isin(traffic.bot_session_ids)
    devices = sessions_raw.loc[bot, "device"].value_counts(normalize=True)
    bot_orders = int(orders["session_id"].isin(traffic.bot_session_ids).sum())
    text = (
        f"Bots are {traffic.bot_sessions / traffic.raw_sessions:.1%} of sessions but "
        f"{traffic.bot_event_share:.0%} of all events: a dashboard of page views or events per "
        f"session would be badly inflated, while conversion per session moves only a little. "
        f"{devices.iloc[0]:.0%} of bot sessions report '{devices.index[0]}' and they placed "
        f"{bot_orders} orders, so that segment's conversion looks worse than it is. Duplicated "
        "add-to-cart clicks inflate 'add-to-cart events' but not 'sessions with a cart'."
    )
    return Finding(text, {"bot_device": str(devices.index[0]), "bot_orders": bot_orders})


def ratio_trap_finding(orders: pd.DataFrame) -> Finding:
    """AOV as a ratio of sums against the mean of the daily AOVs."""
    sales = orders[orders["status"] == SALE_STATUS]
    aov = average_order_value(orders).value
    daily = sales.groupby(sales["order_ts"].dt.date)["net_value"].mean().mean()
    text = (
        f"Ratio of sums: {format_inr(aov, 2)}. Mean of daily AOVs: {format_inr(daily, 2)}. "
        "Same data, different number; only the first is revenue per sale."
    )
    return Finding(text, {"aov": aov, "mean_of_daily": daily})


def retention_finding(retention: pd.DataFrame, weeks: int = 8) -> Finding:
    """How often a weekly cohort comes back in a later week (the mean over the weeks seen)."""
    later = retention.iloc[:, 1 : weeks + 1]
    mean = float(np.nanmean(later.to_numpy(dtype=float)))
    text = f"About {mean:.1%} of a cohort buys again in any given later week."
    return Finding(text, {"mean_weekly_return": mean})


@dataclass(frozen=True)
class SaleWeek:
    """The sale week against the week before: vanity counts and the rates that matter."""

    table: pd.DataFrame = field(repr=False)
    sessions_growth: float
    events_growth: float
    conversion_before: float
    conversion_sale: float
    ci_low: float
    ci_high: float

    @property
    def conversion_change(self) -> float:
        """Sale-week conversion minus the week before's (a difference of two rates)."""
        return self.conversion_sale - self.conversion_before

    @property
    def verdict(self) -> str:
        """'significantly higher', 'significantly lower' or 'not significantly different'."""
        return significance(self.ci_low, self.ci_high)

    @property
    def finding(self) -> Finding:
        text = (
            f"{change_phrase(self.sessions_growth, 'Sessions')} and "
            f"{change_phrase(self.events_growth, 'events', up='rose', down='fell')}, while "
            f"conversion per session went from {self.conversion_before:.2%} to "
            f"{self.conversion_sale:.2%} ({100 * self.conversion_change:+.2f} pp, 95 % interval "
            f"{100 * self.ci_low:+.2f} to {100 * self.ci_high:+.2f} pp): "
            f"{self.verdict}. The vanity counts boom with any traffic; the rate says whether "
            "the funnel got better."
        )
        return Finding(
            text,
            {
                "sessions_growth": self.sessions_growth,
                "conversion_change": self.conversion_change,
                "verdict": self.verdict,
            },
        )

    def _repr_html_(self) -> str:
        return self.table.to_html()


def sale_week(
    sessions: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame, start, end
) -> SaleWeek:
    """Compare the sale week ``start``–``end`` with the 7 days before it.

    The conversion difference gets a Wald 95 % interval (two independent proportions of
    sessions), the textbook interval a PM sees in an analytics tool.
    """
    weeks = {
        "week before the sale": (start - pd.Timedelta(days=7), start - pd.Timedelta(days=1)),
        "sale week": (start, end),
    }
    s_day, e_day = sessions["start_ts"].dt.date, events["ts"].dt.date
    rows, conv = {}, {}
    for name, (lo, hi) in weeks.items():
        week = (s_day >= lo) & (s_day <= hi)
        conv[name] = conversion_rate(sessions[week], orders)
        mine = orders[orders["session_id"].isin(sessions.loc[week, "session_id"])]
        rows[name] = {
            "sessions (vanity)": float(week.sum()),
            "events (vanity)": float(((e_day >= lo) & (e_day <= hi)).sum()),
            "conversion per session": conv[name].value,
            "AOV (sales)": average_order_value(mine).value,
        }
    table = pd.DataFrame(rows)
    before, sale = table["week before the sale"], table["sale week"]
    p0, p1 = conv["week before the sale"], conv["sale week"]
    diff = p1.value - p0.value
    se = math.sqrt(
        p0.value * (1 - p0.value) / p0.denominator + p1.value * (1 - p1.value) / p1.denominator
    )
    shown = table.T
    shown["conversion per session"] = shown["conversion per session"].map(
        lambda v: format_pct(v, 2)
    )
    shown["AOV (sales)"] = shown["AOV (sales)"].map(format_inr)
    for col in ("sessions (vanity)", "events (vanity)"):
        shown[col] = shown[col].map("{:,.0f}".format)
    return SaleWeek(
        table=shown.T,
        sessions_growth=float(sale.iloc[0] / before.iloc[0] - 1),
        events_growth=float(sale.iloc[1] / before.iloc[1] - 1),
        conversion_before=p0.value,
        conversion_sale=p1.value,
        ci_low=diff - 1.959963984540054 * se,
        ci_high=diff + 1.959963984540054 * se,
    )


def raw_vs_clean(
    sessions_raw: pd.DataFrame, events_raw: pd.DataFrame, traffic, orders
) -> pd.DataFrame:
    """Counts and rates on the raw tables against the cleaned ones, with their ratio."""
    sessions, events = traffic.sessions, traffic.events
    adds = [(e["event_type"] == "add_to_cart").sum() for e in (events_raw, events)]
    carts = [
        e.loc[e["event_type"] == "add_to_cart", "session_id"].nunique()
        for e in (events_raw, events)
    ]
    conv = [conversion_rate(s, orders).value for s in (sessions_raw, sessions)]
    rows = {
        "sessions": ([len(sessions_raw), len(sessions)], "{:,.0f}"),
        "events": ([len(events_raw), len(events)], "{:,.0f}"),
        "add_to_cart events": (adds, "{:,.0f}"),
        "sessions with a cart": (carts, "{:,.0f}"),
        "events per session": (
            [len(events_raw) / len(sessions_raw), len(events) / len(sessions)],
            "{:.2f}",
        ),
        "conversion rate": (conv, "{:.2%}"),
    }
    return pd.DataFrame(
        {
            name: {
                "raw": f.format(raw),
                "clean": f.format(clean),
                "raw ÷ clean": f"{raw / clean:.3f}",
            }
            for name, ((raw, clean), f) in rows.items()
        }
    ).T


def totals_vs_uniques(events: pd.DataFrame, step: str = "add_to_cart") -> Finding:
    """A funnel tool's 'totals' (events) against its 'uniques' (sessions) for one step."""
    at_step = events.loc[events["event_type"] == step, "session_id"]
    totals, uniques = len(at_step), at_step.nunique()
    text = (
        f"Counted as events ('totals'), the '{_name(step)}' step has {totals:,} entries; "
        f"counted as sessions ('uniques') it has {uniques:,}, {totals / uniques:.2f} events per "
        "session. A funnel of totals can even show a step with more entries than the one before."
    )
    return Finding(text, {"totals": totals, "uniques": uniques})


def unseen_cohort_cells(retention: pd.DataFrame) -> Finding:
    """How many cells of a cohort table are not seen yet (blank), and for which cohorts."""
    blank = int(retention.isna().to_numpy().sum())
    cohorts = int(retention.isna().any(axis=1).sum())
    text = (
        f"{blank:,} cells of the table are empty (n/a) because the data has not reached them yet "
        f"(the {cohorts} newest cohorts). A tool that draws them as 0 % makes the newest "
        "customers look like the least loyal."
    )
    return Finding(text, {"blank_cells": blank, "cohorts_with_blanks": cohorts})


def smallest_segment(table: pd.DataFrame, by: str) -> Finding:
    """The smallest segment of a ``breakdown`` and how wide its conversion's 95 % interval is."""
    small = table["sessions"].idxmin()
    n, p = table.loc[small, "sessions"], table.loc[small, "conversion_rate"]
    half = 1.959963984540054 * math.sqrt(p * (1 - p) / n)
    text = (
        f"The smallest {_name(by)}, '{_name(small)}', has {int(n):,} sessions: its conversion "
        f"of {p:.2%} is known only to ±{100 * half:.2f} percentage points (95 % interval). "
        "Rank segments by a rate only when the gaps are bigger than that."
    )
    return Finding(text, {"segment": str(small), "half_width": half})


def daily_average_trap(sessions: pd.DataFrame, orders: pd.DataFrame) -> Finding:
    """A dashboard tile that averages daily conversion rates against the period's rate."""
    from .tables import daily_summary, session_table

    daily = daily_summary(session_table(sessions, orders))
    mean_of_days = float(daily["conversion_rate"].mean())
    period = float(daily["converted"].sum() / daily["sessions"].sum())
    word = "higher" if mean_of_days > period else "lower"
    text = (
        f"A tile set to 'average' of the daily conversion rate shows {mean_of_days:.2%}; the "
        f"period's conversion (sum of converting sessions ÷ sum of sessions) is {period:.2%}. "
        f"The average is {word} because it gives a quiet day the same weight as the sale week."
    )
    return Finding(text, {"mean_of_days": mean_of_days, "period": period})
