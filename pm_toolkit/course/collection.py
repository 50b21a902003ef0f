"""Exercises for lesson 3, data collection at scale: tracking plan, dirt, cleaning, privacy.

Every expected value is computed from the learner's own events and customers (through
``ctx``) with :mod:`pm_toolkit.collection`, never typed in here.
"""

from __future__ import annotations

import pandas as pd

from pm_toolkit import collection as col
from pm_toolkit.exercises import (
    Choice,
    Exercise,
    FunctionAnswer,
    Judgement,
    MultiChoice,
    Number,
    Percent,
    WrongAnswer,
)

KEYS = ["session_id", "event_type", "product_id", "ts"]
THREE_DAYS = pd.Timedelta(days=3)


# ---------------------------------------------------------------- references from the learner's data


def _events(ctx) -> pd.DataFrame:
    return ctx.load("events")


def _duplicates(ctx) -> int:
    return int(_events(ctx).duplicated(subset=KEYS, keep="first").sum())


def _both_copies(ctx) -> int:
    return int(_events(ctx).duplicated(subset=KEYS, keep=False).sum())


def _all_columns(ctx) -> int:
    return int(_events(ctx).drop(columns="event_id").duplicated().sum())


def _cleaning(ctx) -> col.CleaningReport:
    return ctx.cached(
        "collection:cleaning",
        lambda: col.clean_events(_events(ctx), sessions=ctx.load("sessions")),
    )


def _shift_pp(ctx) -> float:
    r = _cleaning(ctx)
    return 100 * (r.after.session_conversion - r.before.session_conversion)


def _relative_shift(ctx) -> float:
    r = _cleaning(ctx)
    return 100 * (r.after.session_conversion / r.before.session_conversion - 1)


def _late_share(allowed: str):
    def share(ctx) -> float:
        return float(col.lateness_profile(_events(ctx), [allowed])["share_dropped"].iloc[0])

    return share


#: Columns a partner release could contain, offered in the k-anonymity exercise.
RELEASE_COLUMNS = (
    "pin_code",
    "signup_date",
    "city",
    "city_tier",
    "preferred_device",
    "acquisition_channel",
    "is_member",
)


def _needs_coarsening(ctx) -> list[str]:
    """Columns whose smallest group, on their own, is under 5 customers."""
    customers = ctx.load("customers")
    return [c for c in RELEASE_COLUMNS if col.k_anonymity(customers, [c], k=5).k < 5]


# ---------------------------------------------------------------- the cleaning function


def clean(events: pd.DataFrame) -> pd.DataFrame:
    """Drop retry duplicates (keep the first copy), then events more than 3 days late."""
    kept = events.drop_duplicates(subset=KEYS, keep="first")
    return kept[kept["ingested_ts"] - kept["ts"] <= THREE_DAYS]


def _only_dedupe(events: pd.DataFrame) -> pd.DataFrame:
    return events.drop_duplicates(subset=KEYS, keep="first")


def _only_late(events: pd.DataFrame) -> pd.DataFrame:
    return events[events["ingested_ts"] - events["ts"] <= THREE_DAYS]


def _keep_last(events: pd.DataFrame) -> pd.DataFrame:
    kept = events.drop_duplicates(subset=KEYS, keep="last")
    return kept[kept["ingested_ts"] - kept["ts"] <= THREE_DAYS]


def example_events() -> pd.DataFrame:
    """Six hand-made events: one retried add-to-cart and one event uploaded 5 days late.

    >>> len(clean(example_events()))
    4
    """
    t = pd.Timestamp("2025-10-14 21:05", tz="Asia/Kolkata")
    ts = [t, t + pd.Timedelta("40s"), t + pd.Timedelta("40s"), t + pd.Timedelta("95s")]
    ts += [t + pd.Timedelta("3min"), t + pd.Timedelta("9min")]
    lag = pd.to_timedelta(["2s", "3s", "9s", "5D", "1h", "2D"])
    return pd.DataFrame(
        {
            "event_id": [101, 102, 103, 104, 105, 106],
            "session_id": [7, 7, 7, 7, 8, 8],
            "customer_id": pd.array([41, 41, 41, 41, 52, 52], dtype="Int64"),
            "ts": ts,
            "event_type": [
                "product_view",
                "add_to_cart",
                "add_to_cart",
                "begin_checkout",
                "page_view",
                "product_view",
            ],
            "product_id": pd.array([3, 3, 3, None, None, 9], dtype="Int64"),
            "ingested_ts": [a + b for a, b in zip(ts, lag, strict=True)],
        }
    )


def _clean_cases(ctx) -> list[tuple]:
    """The worked example, then a slice of the learner's events rich in both kinds of dirt."""
    ev = _events(ctx)
    dirty = ev.duplicated(subset=KEYS, keep=False) | (ev["ingested_ts"] - ev["ts"] > THREE_DAYS)
    sessions = set(ev.loc[dirty, "session_id"]) | set(ev["session_id"].drop_duplicates().head(300))
    return [(example_events(),), (ev[ev["session_id"].isin(sessions)],)]


# ---------------------------------------------------------------- the exercises

EXERCISES = [
    Exercise(
        id="collection.fix_tracking_plan",
        title="Fix a broken tracking plan",
        prompt=(
            "App release 5.2 sends `addToCart` instead of `add_to_cart`, and `price` as text "
            "(`'₹499'`). The validator flags these rows. What is the right fix?"
        ),
        kind=Choice(
            {
                "Fix the app: send `add_to_cart` with a numeric `price`, as the plan says": (
                    "Yes: the plan is the contract; the app broke it."
                ),
                "Add `addToCart` to the plan as a second cart event": (
                    "Two names for one action split every funnel query in two, and mobile web, "
                    "desktop and the app stop being comparable. Keep one vocabulary."
                ),
                "Drop the rejected events in the pipeline and carry on": (
                    "Then app users' add-to-cart events silently vanish and cart metrics for the "
                    "app look broken. Dropping hides the bug instead of fixing it."
                ),
                "Relax the plan: make `price` optional and accept any type": (
                    "A plan that accepts anything checks nothing: the next broken release gets "
                    "through unnoticed, and revenue maths on text prices fails later."
                ),
            }
        ),
        reference="Fix the app: send `add_to_cart` with a numeric `price`, as the plan says",
        hints=[
            "Ask who broke the contract: the plan, or the release?",
            "A tracking plan is only useful if every platform (app, mobile web, desktop) uses the "
            "same event names and types.",
        ],
        explanation=(
            "Fix instrumentation at the source and add the plan check to the release checklist, so "
            "a broken event name fails a test before it reaches users."
        ),
    ),
    Exercise(
        id="collection.duplicate_count",
        title="Count the retry duplicates",
        variable="n_duplicates",
        prompt=(
            "How many events in your raw `events` repeat an earlier event's `session_id`, "
            "`event_type`, `product_id` and `ts` (count only the extra copies)?"
        ),
        kind=Number(abs=0),
        reference=_duplicates,
        hints=[
            "`events.duplicated(subset=[...])` marks every copy after the first.",
            "Use subset=['session_id', 'event_type', 'product_id', 'ts'] and add up the Trues "
            "with `.sum()`.",
        ],
        explanation=(
            "A retry resends the same click with the same timestamp but a new event_id, so "
            "duplicates must be judged on the business keys, not on the id."
        ),
        wrong_answers=[
            WrongAnswer(
                value=_both_copies,
                message="You counted both copies of each pair; count only the extra ones "
                "(keep='first').",
            ),
            WrongAnswer(
                value=_all_columns,
                message="Comparing every column finds almost nothing: each copy has its own "
                "event_id and arrived at a different ingested_ts. Compare only the keys.",
            ),
        ],
        solution=(
            "n_duplicates = events.duplicated(\n"
            "    subset=['session_id', 'event_type', 'product_id', 'ts']\n).sum()"
        ),
    ),
    Exercise(
        id="collection.clean_function",
        title="Write a cleaning function",
        variable="clean",
        prompt=(
            "Write `clean(events)` that first drops retry duplicates (same `session_id`, "
            "`event_type`, `product_id`, `ts`; keep the first copy), then drops events that "
            "arrived more than 3 days after they happened (`ingested_ts - ts`). Return the kept "
            "rows with their original row labels (no `reset_index`)."
        ),
        kind=FunctionAnswer(cases=_clean_cases, reference_fn=clean, time_limit=10, name="clean"),
        hints=[
            "Step 1: `events.drop_duplicates(subset=[...], keep='first')`.",
            "Step 2: keep rows where `kept['ingested_ts'] - kept['ts'] <= pd.Timedelta(days=3)`.",
        ],
        explanation=(
            "Exactly what a streaming pipeline does with a 3-day watermark: late events are real, "
            "but a closed day's numbers never include them."
        ),
        wrong_answers=[
            WrongAnswer(
                fn=_only_dedupe,
                message="Duplicates are gone, but events more than 3 days late are still there.",
            ),
            WrongAnswer(
                fn=_only_late,
                message="Late events are gone, but the retried add-to-cart copies are still there.",
            ),
            WrongAnswer(
                fn=_keep_last,
                message="You kept the last copy of each duplicate; keep the first (keep='first').",
            ),
        ],
        solution=(
            "def clean(events):\n"
            "    kept = events.drop_duplicates(\n"
            "        subset=['session_id', 'event_type', 'product_id', 'ts'], keep='first')\n"
            "    return kept[kept['ingested_ts'] - kept['ts'] <= pd.Timedelta(days=3)]"
        ),
    ),
    Exercise(
        id="collection.conversion_shift",
        title="How far off was conversion?",
        variable="shift_pp",
        prompt=(
            "Clean your events with `collection.clean_events(events, sessions=sessions)`. By how "
            "many percentage points does session conversion change (cleaned minus raw)? Give at "
            "least two decimals, e.g. 0.12 for +0.12 pp."
        ),
        kind=Number(abs=0.005),
        reference=_shift_pp,
        hints=[
            "The report has `.before.session_conversion` and `.after.session_conversion` "
            "(fractions).",
            "Subtract raw from cleaned, then multiply by 100 to get percentage points.",
        ],
        explanation=(
            "Bots add sessions that never buy, so raw data understates conversion (and inflates "
            "traffic and events per session): a PM comparing two weeks could mistake a bot wave "
            "for a drop in conversion."
        ),
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: -_shift_pp(ctx),
                message="That is raw minus cleaned; we asked for cleaned minus raw.",
            ),
            WrongAnswer(
                value=lambda ctx: _shift_pp(ctx) / 100,
                abs=0.00005,
                message="That looks like a fraction; multiply by 100 for percentage points.",
            ),
            WrongAnswer(
                value=_relative_shift,
                abs=0.005,
                message="That is the relative change in %; we asked for the difference in "
                "percentage points.",
            ),
        ],
        solution=(
            "report = collection.clean_events(events, sessions=sessions)\n"
            "shift_pp = 100 * (report.after.session_conversion - report.before.session_conversion)"
        ),
    ),
    Exercise(
        id="collection.watermark_share",
        title="The price of a real-time dashboard",
        variable="late_share",
        prompt=(
            "A live dashboard closes each window 1 hour after it ends (a 1-hour watermark). What "
            "share of your raw events arrive too late for it (`ingested_ts - ts` over 1 hour)? "
            + Percent().forms_sentence()
        ),
        kind=Percent(abs=0.0005),
        reference=_late_share("1h"),
        hints=[
            "`collection.lateness_profile(events, ['1h'])` gives `share_dropped`.",
            "Or: `((events['ingested_ts'] - events['ts']) > pd.Timedelta('1h')).mean()`.",
        ],
        explanation=(
            "A shorter watermark is fresher but loses more events, mostly from phones that were "
            "offline; GA4 waits up to 3 days."
        ),
        wrong_answers=[
            WrongAnswer(
                value=_late_share("3D"),
                abs=0.0001,
                # Under 1 % a bare fraction is ambiguous to the Percent reader: type the % sign.
                example=lambda ctx: f"{100 * _late_share('3D')(ctx):.4f}%",
                message="That is the share a 3-day watermark drops; the dashboard waits 1 hour.",
            ),
        ],
        solution="late_share = collection.lateness_profile(events, ['1h'])['share_dropped'].item()",
    ),
    Exercise(
        id="collection.quasi_identifiers",
        title="Which columns must be coarsened?",
        variable="to_coarsen",
        prompt=(
            "You will share a per-customer table with a partner. Tick every column that, on its "
            "own, already has a group of fewer than 5 customers in your `customers` table, so it "
            "must be coarsened (or dropped) before any release can reach k ≥ 5."
        ),
        kind=MultiChoice(
            {
                c: (
                    f"On its own, every value of `{c}` is shared by at least 5 of your customers. "
                    "Check with collection.k_anonymity(customers, ['" + c + "'])."
                )
                for c in RELEASE_COLUMNS
            }
        ),
        reference=_needs_coarsening,
        hints=[
            "Run `collection.k_anonymity(customers, [column]).k` for each column.",
            "A column needs coarsening when its smallest group (k) is below 5.",
        ],
        explanation=(
            "Each of these must be coarsened (PIN → first 3 digits, date → month or year). Passing "
            "one column at a time is necessary but not enough: check the combination too, as the "
            "lesson shows."
        ),
        solution=(
            "to_coarsen = [c for c in columns\n"
            "              if collection.k_anonymity(customers, [c]).k < 5]"
        ),
    ),
    Exercise(
        id="collection.data_sharing",
        title="A data-sharing agreement with a courier partner",
        prompt=(
            "A courier partner serving tier-2 and tier-3 cities asks for Bazaar's order data "
            "to improve delivery-time estimates. In a few sentences, what must the data-sharing "
            "agreement say, and what exactly would you send?"
        ),
        kind=Judgement(
            model_answer=(
                "Purpose: only delivery-time estimation for Bazaar orders; no marketing, no resale, "
                "no onward sharing (DPDP Act 2023 purpose limitation, covered by our privacy "
                "notice and consent). Data: the minimum needed: order id pseudonymised with a "
                "keyed hash, PIN coarsened to 3 digits, order hour, package size, promised and "
                "actual delivery dates; no names, phone numbers or exact addresses beyond what "
                "the courier already gets to deliver. Release checked for k ≥ 5 on the "
                "quasi-identifiers. Security, retention (delete after 90 days), a ban on "
                "re-identification, breach notice within 72 hours, audit rights, and a named owner "
                "on each side. Success metric: on-time delivery rate and ETA error, shared back."
            ),
            rubric=[
                "States a narrow purpose and forbids other uses or onward sharing",
                "Minimises the data: pseudonymised ids, coarsened PIN/time, no direct identifiers",
                "Mentions consent or notice under the DPDP Act 2023",
                "Sets retention/deletion and a ban on re-identification",
                "Covers security, breach notice or audit, and who owns the agreement",
            ],
        ),
        hints=[
            "Start from the purpose: what decision will the courier make with the data?",
            "Then list the fewest columns that serve that purpose, and how each is protected.",
        ],
    ),
]
