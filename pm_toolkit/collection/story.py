"""What lesson 3 says about the learner's data, and the figures it draws.

Every ``*_finding`` returns a :class:`pm_toolkit.findings.Finding` (the words and the facts
they rest on), so ``tests/test_truth_collection.py`` can recompute each fact for several
learners; every ``plot_*`` draws one figure and returns ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pm_toolkit.collection.privacy import KAnonymityReport, Pseudonymiser, coarsen_pin, k_anonymity
from pm_toolkit.collection.quality import CleaningReport, QualityCheck, session_speed
from pm_toolkit.collection.stream import AlertSummary
from pm_toolkit.findings import Finding, direction, significance
from pm_toolkit.formatting import format_pct

__all__ = [
    "ML_DATA_NEEDS",
    "attack_finding",
    "bots_finding",
    "broken_release",
    "cleaning_finding",
    "device_engagement_finding",
    "device_table",
    "duplicates_finding",
    "join_finding",
    "lateness_finding",
    "missing_finding",
    "ml_data_needs",
    "overview_finding",
    "plan_finding",
    "plot_bot_speed",
    "plot_lateness",
    "plot_spike_alerts",
    "release_finding",
    "release_steps",
    "release_table",
    "rule_check",
    "stockout_finding",
    "suppression_finding",
]


def overview_finding(events, orders, customers) -> Finding:
    """How much raw data the learner has, and over which dates."""
    text = (
        f"{len(events):,} raw events in {events['session_id'].nunique():,} sessions, "
        f"{len(orders):,} orders and {len(customers):,} customers, from "
        f"{events['ts'].min():%d %b %Y} to {events['ts'].max():%d %b %Y}."
    )
    return Finding(text, {"events": len(events), "orders": len(orders)})


def device_table(events: pd.DataFrame, sessions: pd.DataFrame) -> pd.DataFrame:
    """Per device: events, sessions, events per session and the share of sessions."""
    t = (
        events.merge(sessions[["session_id", "device"]], on="session_id")
        .groupby("device")
        .agg(events=("event_id", "size"), sessions=("session_id", "nunique"))
    )
    t["events_per_session"] = t["events"] / t["sessions"]
    t["share_of_sessions"] = t["sessions"] / t["sessions"].sum()
    return t


def device_engagement_finding(raw: pd.DataFrame, clean: pd.DataFrame) -> Finding:
    """Which device looked most engaged in raw data, and what cleaning did to that lead."""
    top_raw = str(raw["events_per_session"].idxmax())
    top_clean = str(clean["events_per_session"].idxmax())
    change = clean.loc[top_raw, "events_per_session"] / raw.loc[top_raw, "events_per_session"] - 1
    same = (
        f"{top_clean} still leads once bots and duplicates are gone"
        if top_clean == top_raw
        else f"once bots and duplicates are gone, {top_clean} leads instead"
    )
    text = (
        f"In raw data **{top_raw}** looked the most engaged device "
        f"({raw.loc[top_raw, 'events_per_session']:.1f} events per session); cleaning "
        f"{direction(change, up='raised', down='cut', flat='left')} that figure by "
        f"{format_pct(abs(change), 0)} to {clean.loc[top_raw, 'events_per_session']:.1f}, and "
        f"{same}."
    )
    return Finding(text, {"top_raw": top_raw, "top_clean": top_clean, "change": float(change)})


def plan_finding(report) -> Finding:
    """Whether the raw events follow the tracking plan."""
    n = len(report.violations)
    text = (
        "Every raw event follows the plan."
        if n == 0
        else f"{n:,} raw events break the plan: "
        + ", ".join(f"{k:,} × {r.replace('_', ' ')}" for r, k in report.counts().items())
        + "."
    )
    return Finding(text, {"violations": n})


def broken_release(events: pd.DataFrame, sessions: pd.DataFrame, n: int = 3000) -> pd.DataFrame:
    """The last ``n`` app events as release 5.2 would send them: ``addToCart`` and text prices."""
    app = sessions.loc[sessions["device"] == "app", "session_id"]
    release = events[events["session_id"].isin(app)].tail(n).copy()
    release["event_type"] = release["event_type"].replace({"add_to_cart": "addToCart"})
    release["price"] = release["price"].map(lambda p: f"₹{p:,.0f}" if pd.notna(p) else None)
    return release


def plot_lateness(profile: pd.DataFrame, short: str = "1h", long: str = "3D") -> None:
    """Share of events a pipeline drops, by how long it waits (its watermark)."""
    from pm_toolkit import viz

    by = profile.set_index("allowed_lateness")["share_dropped"]
    _fig, ax = viz.new_axes()
    ax.plot(profile["allowed_lateness"], profile["share_dropped"], marker="o", color=viz.PALETTE[0])
    ax.yaxis.set_major_formatter(viz.PERCENT)
    title = (
        f"Waiting {short} loses {format_pct(by[short], 1)} of events; "
        f"waiting {long} still loses {format_pct(by[long], 2)}"
    )
    viz.finish(ax, title=title, xlabel="Allowed lateness (watermark)",
               ylabel="Events dropped (% of all events)")  # fmt: skip


def lateness_finding(profile: pd.DataFrame) -> Finding:
    """Whether waiting longer always drops fewer events (it must, by construction)."""
    drops = profile["share_dropped"].to_numpy()
    falls = bool((drops[1:] <= drops[:-1]).all())
    text = (
        f"Waiting {profile['allowed_lateness'].iloc[0]} drops {format_pct(drops[0], 2)} of events, "
        f"waiting {profile['allowed_lateness'].iloc[-1]} {format_pct(drops[-1], 3)}."
    )
    return Finding(text, {"falls": falls, "first": float(drops[0]), "last": float(drops[-1])})


def _moved(check: QualityCheck, metric: str) -> tuple[float, float]:
    m = check.moved().set_index("metric")
    return float(m.loc[metric, "before"]), float(m.loc[metric, "after"])


def duplicates_finding(dupes: QualityCheck) -> Finding:
    """What removing retry duplicates does to conversion and to event counts."""
    c0, c1 = _moved(dupes, "session_conversion")
    e0, e1 = _moved(dupes, "events_per_session")
    conv = (
        "session conversion does not move (a session with two copies of a click is still one "
        "session)"
        if abs(c1 - c0) < 1e-12
        else f"session conversion moves from {format_pct(c0, 2)} to {format_pct(c1, 2)}"
    )
    text = (
        f"{dupes.found:,} retried events removed: {conv}, but events per session fall from "
        f"{e0:.2f} to {e1:.2f}, and every event-level count (add-to-cart clicks per product) "
        "was inflated."
    )
    return Finding(text, {"conversion_change": c1 - c0, "eps_change": e1 - e0})


def plot_bot_speed(events: pd.DataFrame, bots: QualityCheck) -> None:
    """Events per session against the longest pause in it: bots form their own cloud."""
    from pm_toolkit import viz

    speed = session_speed(events)
    is_bot = speed["session_id"].isin(bots.ids)
    _fig, ax = viz.new_axes()
    for mask, label, colour, marker, size in (
        (~is_bot, "people", viz.PALETTE[0], "o", 6),
        (is_bot, "flagged as bot", viz.PALETTE[5], "x", 12),
    ):
        ax.scatter(speed.loc[mask, "events"], speed.loc[mask, "longest_gap_s"], s=size,
                   alpha=0.4, color=colour, marker=marker, label=label)  # fmt: skip
    ax.set_yscale("log")
    viz.finish(ax, title=f"{bots.found:,} sessions click for minutes without ever pausing: bots",
               xlabel="Events in the session",
               ylabel="Longest pause between two events (s, log scale)")  # fmt: skip


def bots_finding(bots: QualityCheck) -> Finding:
    """How bots moved traffic, conversion and engagement."""
    s0, _ = _moved(bots, "sessions")
    c0, c1 = _moved(bots, "session_conversion")
    e0, e1 = _moved(bots, "events_per_session")
    conv_word = direction(c1 - c0, up="lower", down="higher", flat="unchanged")
    eng_word = direction(e0 - e1, up="higher", down="lower", flat="unchanged")
    text = (
        f"Removing {bots.found:,} bot sessions ({format_pct(bots.found / s0, 1)} of sessions) "
        f"moves conversion from {format_pct(c0, 2)} to {format_pct(c1, 2)} and events per "
        f"session from {e0:.2f} to {e1:.2f}: bots made traffic look higher, conversion look "
        f"**{conv_word}** and engagement look **{eng_word}**."
    )
    return Finding(text, {"conversion_change": c1 - c0, "eps_change": e1 - e0})


def missing_finding(missing: QualityCheck, rows_before: int) -> Finding:
    """How many events without a customer were repaired, and how many dropped."""
    dropped = rows_before - len(missing.cleaned)
    text = (
        f"{missing.found:,} events had no customer id: {missing.found - dropped:,} were repaired "
        f"from the session they belong to and {dropped:,} had to be dropped."
    )
    return Finding(text, {"found": missing.found, "dropped": dropped})


def cleaning_finding(report: CleaningReport) -> Finding:
    """Conversion, engagement and sessions before and after all four checks."""
    b, a = report.before, report.after
    pp = 100 * (a.session_conversion - b.session_conversion)
    rel = a.events_per_session / b.events_per_session - 1
    text = (
        f"Raw data put conversion at **{format_pct(b.session_conversion, 2)}**; cleaned, it is "
        f"**{format_pct(a.session_conversion, 2)}** ({pp:+.2f} percentage points). Events per "
        f"session {direction(rel)} from {b.events_per_session:.2f} to {a.events_per_session:.2f} "
        f"({rel:+.0%}), and sessions from {b.sessions:,} to {a.sessions:,}."
    )
    return Finding(text, {"conversion_pp": pp, "eps_change": rel})


def plot_spike_alerts(
    metrics: pd.DataFrame,
    alerts: pd.DataFrame,
    summary: AlertSummary,
    start: pd.Timestamp,
    end: pd.Timestamp,
    days: int,
) -> None:
    """Sessions per window around a known busy period, with the alerts that fired."""
    import matplotlib.dates as mdates

    from pm_toolkit import viz

    near = metrics[(metrics["window"] >= start - pd.Timedelta("14D"))
                   & (metrics["window"] <= end + pd.Timedelta("7D"))]  # fmt: skip
    shown = alerts[alerts["window"].isin(near["window"])]
    _fig, ax = viz.new_axes()
    ax.plot(near["window"], near["sessions"], color=viz.PALETTE[0], lw=0.8,
            label=f"sessions per {summary.window}")  # fmt: skip
    ax.scatter(shown["window"], shown["sessions"], color=viz.PALETTE[5], zorder=3,
               label="spike alert")  # fmt: skip
    ax.axvspan(start, end, color=viz.PALETTE[1], alpha=0.15, label="sale week")
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=4, tz=start.tz))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b", tz=start.tz))
    alarms = (
        "1 false alarm" if summary.false_alarms == 1 else f"{summary.false_alarms} false alarms"
    )
    first = (
        "No alert during the sale"
        if pd.isna(summary.hours_to_first_alert)
        else f"Alerts start {summary.hours_to_first_alert:.0f} h into the sale"
    )
    viz.finish(ax, title=f"{first}; {alarms} in {days} days", xlabel="Date (IST)",
               ylabel=f"Active sessions per {summary.window} window")  # fmt: skip


def stockout_finding(stockouts: pd.DataFrame, inventory: pd.DataFrame) -> Finding:
    """How many product-days carried the stock-out signal."""
    text = (
        f"{len(stockouts):,} product-days where shoppers added a product to cart "
        f"({int(stockouts['carts'].sum()):,} add-to-carts in all) while two or more of the "
        f"{inventory['warehouse'].nunique()} warehouses had 0 units."
    )
    return Finding(text, {"product_days": len(stockouts)})


def join_finding(view, support: pd.DataFrame) -> Finding:
    """What the customer-360 joins would lose without care."""
    no_order = int(support["order_id"].isna().sum())
    no_orders = int((view.frame["orders"] == 0).sum())
    text = (
        f"{no_order:,} support contacts carry no order id (questions asked before buying), so "
        "they reach the customer view only through `customer_id`. "
        f"{no_orders:,} customers have no order at all in the period: a left join keeps them, "
        "an inner join would silently drop them."
    )
    return Finding(
        text, {"contacts_without_order": no_order, "customers_without_orders": no_orders}
    )


def attack_finding(bare: float, keyed: float) -> Finding:
    """How many ids a dictionary attack recovers from bare hashes and from keyed pseudonyms."""
    text = (
        f"A dictionary attack recovers **{bare:.0%}** of bare SHA-256 hashes and **{keyed:.0%}** "
        "of keyed pseudonyms. Keep the key in a secrets manager, apart from the data: whoever "
        "holds it can re-link every row, which is why pseudonymised data is still personal data."
    )
    return Finding(text, {"bare": bare, "keyed": keyed})


#: The partner release's quasi-identifiers (with total spend as the released value).
RELEASE_QI = ("pin_code", "signup_date", "preferred_device", "is_member")


def release_steps(frame: pd.DataFrame, pseudo: Pseudonymiser) -> dict[str, KAnonymityReport]:
    """k-anonymity of a per-customer release as it is coarsened step by step (k ≥ 5)."""
    release = frame[["customer_id", *RELEASE_QI, "net_spend"]].copy()
    release["customer_id"] = pseudo.series(release["customer_id"])
    signup = pd.to_datetime(release["signup_date"])
    pin3, region = coarsen_pin(release["pin_code"]), coarsen_pin(release["pin_code"], digits=1)
    qi = list(RELEASE_QI)
    steps = {
        "as collected": (release, qi),
        "PIN → 3 digits": (release.assign(pin_code=pin3), qi),
        "… and signup → month": (
            release.assign(pin_code=pin3, signup_date=signup.dt.strftime("%Y-%m")), qi),
        "… and signup → year": (release.assign(pin_code=pin3, signup_date=signup.dt.year), qi),
        "PIN → 1 digit (region), signup → year": (
            release.assign(pin_code=region, signup_date=signup.dt.year), qi),
        "region + signup year, without is_member": (
            release.assign(pin_code=region, signup_date=signup.dt.year), qi[:3]),
    }  # fmt: skip
    return {name: k_anonymity(t, q, k=5) for name, (t, q) in steps.items()}


def release_table(checks: Mapping[str, KAnonymityReport]) -> pd.DataFrame:
    """One row per release step: its smallest group (k) and the rows in groups under 5."""
    return pd.DataFrame(
        [
            {"release": n, "k (smallest group)": r.k, "rows in groups < 5": r.rows_at_risk}
            for n, r in checks.items()
        ]
    )


def release_finding(checks: Mapping[str, KAnonymityReport]) -> Finding:
    """The first release that reaches k ≥ 5."""
    first = next((n for n, r in checks.items() if r.satisfied), None)
    verdict = (
        f"The first release that reaches k ≥ 5 is **{first}**."
        if first
        else "None of these releases reaches k ≥ 5: coarsen further or drop another column."
    )
    return Finding(verdict, {"first": first})


def suppression_finding(by_city: pd.DataFrame, min_group_size: int = 10) -> Finding:
    """How many cities a minimum cell size suppresses."""
    n = int(by_city["suppressed"].sum())
    text = f"{n} of {len(by_city)} cities are suppressed (fewer than {min_group_size} buyers)."
    return Finding(text, {"suppressed": n})


def rule_check(orders: pd.DataFrame, quantile: float = 0.95) -> Finding:
    """Evaluate a fraud rule against the outcome it claims to predict.

    The rule: a customer's first order in the data, paid cash on delivery, above the
    ``quantile`` of order value. The outcome: refused at the door (``rto``). We compare the RTO
    rate of flagged COD orders with that of all other COD orders (two-proportion z-test).
    """
    from pm_toolkit.experiments.significance import proportion_test

    o = orders.sort_values(["customer_id", "order_ts"], kind="stable")
    cod = o["payment_method"].eq("cod")
    flag = (
        cod & ~o["customer_id"].duplicated() & (o["net_value"] > o["net_value"].quantile(quantile))
    )
    rto = o["status"].eq("rto")
    n_f, n_o = int(flag.sum()), int((cod & ~flag).sum())
    r_f, r_o = int(rto[flag].sum()), int(rto[cod & ~flag].sum())
    if n_f == 0 or n_o == 0:
        text = "The rule flags no orders in this data (or every COD order): nothing to evaluate."
        return Finding(text, {"flagged": n_f, "separates": False, "p_value": float("nan")})
    test = proportion_test(r_o, n_o, r_f, n_f)
    words = significance(test.ci_low, test.ci_high, higher="significantly more often",
                         lower="significantly less often", neither="no differently (within noise)")  # fmt: skip
    text = (
        f"The rule flags {n_f:,} of {int(cod.sum()):,} COD orders. Flagged orders were refused at "
        f"the door {format_pct(r_f / n_f, 1)} of the time, other COD orders "
        f"{format_pct(r_o / n_o, 1)}: flagged orders are refused **{words}** (p = "
        f"{test.p_value:.2g}). A rule is a hypothesis until it is evaluated like this."
    )
    separates = bool(test.ci_low > 0)
    return Finding(text, {"flagged": n_f, "rate_flagged": r_f / n_f, "rate_other": r_o / n_o,
                          "p_value": float(test.p_value), "separates": separates})  # fmt: skip


#: For each "beyond the obvious" use of data: the signals to collect, the lawful ground under
#: the DPDP Act 2023 to expect (the Act has consent, s.6, and a short list of legitimate uses,
#: s.7; it has no general "legitimate interest" ground), and what to keep out.
ML_DATA_NEEDS = (
    (
        "fraud and COD-refusal risk",
        "order history, address completeness, device, payment "
        "switches at checkout, refusal (RTO) outcomes",
        "notice and consent for the purpose, "
        "unless counsel confirms a legitimate use (s.7) covers it",
        "protected traits (religion, caste) as features",
    ),
    (
        "personalised marketing (segments)",
        "purchases, browsing, consented marketing preferences",
        "consent (s.6), as easy to withdraw as to give",
        "tracking, behavioural monitoring or targeted ads aimed at children (s.9)",
    ),
    (
        "supply-chain rerouting",
        "courier scans, warehouse stock, weather, PIN-level demand",
        "little personal data once aggregated to PIN-3 and day",
        "exact addresses beyond delivery",
    ),
    (
        "voice commerce",
        "voice samples with transcripts, language and accent group",
        "consent for recordings, with how long they are kept",
        "recordings kept past their purpose",
    ),
    (
        "support automation",
        "support messages and reasons, order status",
        "answering the "
        "shopper is the purpose they gave the data for (s.7); say in the notice if it trains a model",
        "payment details in free text (mask them)",
    ),
    (
        "sustainability (packaging, load)",
        "item dimensions, box sizes, route load factors",
        "not personal data",
        "nothing personal is needed",
    ),
)


def ml_data_needs() -> pd.DataFrame:
    """:data:`ML_DATA_NEEDS` as a table to read."""
    return pd.DataFrame(ML_DATA_NEEDS, columns=["use", "signals to collect",
                                                 "lawful ground to expect", "keep out"])  # fmt: skip
