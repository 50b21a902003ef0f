"""Exercises for lesson 3, data collection at scale: tracking plan, dirt, cleaning, privacy.

Every expected value is computed from the learner's own events and customers (through
``ctx``) with :mod:`pm_toolkit.collection`, never typed in here.
"""

from __future__ import annotations

import pandas as pd

from pm_toolkit import collection as col
from pm_toolkit.exercises import (
    Choice,
    DataFrameAnswer,
    Exercise,
    FunctionAnswer,
    Judgement,
    MemoKey,
    MultiChoice,
    Number,
    Percent,
    SQLAnswer,
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


# ---------------------------------------------------------------- lateness by device (SQL)

LATE_BY_DEVICE_SQL = """
SELECT s.device, COUNT(*) AS events,
       AVG(CASE WHEN e.ingested_ts - e.ts > INTERVAL 1 HOUR THEN 1.0 ELSE 0.0 END) AS late_share
FROM events AS e
JOIN sessions AS s USING (session_id)
GROUP BY s.device
""".strip()

#: The watermarks a daily report could use, shortest first, and the most it may drop.
WATERMARKS = ("1h", "6h", "1D", "3D", "7D")
MAX_DROPPED = 0.001
NONE_FITS = "None of these: even 7 days drops too much"


def _watermark(ctx) -> str:
    profile = col.lateness_profile(_events(ctx), list(WATERMARKS))
    ok = profile[profile["share_dropped"] <= MAX_DROPPED]
    return str(ok["allowed_lateness"].iloc[0]) if len(ok) else NONE_FITS


# ---------------------------------------------------------------- spend by city, small cells hidden

MIN_BUYERS = 10


def city_spend(orders: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Per city: distinct buyers and total spend, spend blanked (NaN) under 10 buyers."""
    o = orders.merge(customers[["customer_id", "city"]], on="customer_id")
    g = o.groupby("city").agg(buyers=("customer_id", "nunique"), spend=("net_value", "sum"))
    g.loc[g["buyers"] < MIN_BUYERS, "spend"] = float("nan")
    return g.reset_index()


def _city_spend(ctx) -> pd.DataFrame:
    return city_spend(ctx.load("orders"), ctx.load("customers"))


def _counted_orders(answer, ctx) -> bool:
    """The slip: counting orders, not distinct buyers, as the cell size."""
    if not isinstance(answer, pd.DataFrame) or "buyers" not in answer.columns:
        return False
    want = _city_spend(ctx)
    got = pd.to_numeric(answer["buyers"], errors="coerce")
    return bool(got.sum() > want["buyers"].sum())


def _orders_as_buyers(ctx) -> pd.DataFrame:
    o = ctx.load("orders").merge(ctx.load("customers")[["customer_id", "city"]], on="customer_id")
    g = o.groupby("city").agg(buyers=("order_id", "size"), spend=("net_value", "sum"))
    g.loc[g["buyers"] < MIN_BUYERS, "spend"] = float("nan")
    return g.reset_index()


# ---------------------------------------------------------------- the fraud rule

SEPARATES = "Yes: flagged orders are refused significantly more often, so the rule can go to review"
NO_SEPARATION = (
    "No: in my data the rule does not separate refusals, so it must not block anyone yet"
)


def _rule_verdict(ctx) -> str:
    return SEPARATES if col.rule_check(ctx.load("orders")).facts["separates"] else NO_SEPARATION


# ---------------------------------------------------------------- the courier memo


def courier_extract(orders: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """What the memo proposes to send: PIN to 3 digits, the order's week, payment method."""
    o = orders.merge(customers[["customer_id", "pin_code"]], on="customer_id")
    return pd.DataFrame(
        {
            "pin3": col.coarsen_pin(o["pin_code"]),
            "order_week": o["order_ts"].dt.tz_localize(None).dt.to_period("W").astype(str),
            "order_day": o["order_ts"].dt.strftime("%Y-%m-%d"),
            "payment_method": o["payment_method"],
        }
    )


def _extract_checks(ctx) -> tuple[col.KAnonymityReport, col.KAnonymityReport]:
    x = courier_extract(ctx.load("orders"), ctx.load("customers"))
    return (
        col.k_anonymity(x, ["pin3", "order_week"], k=5),
        col.k_anonymity(x, ["pin3", "order_day"], k=5),
    )


CALL_PROCESSOR = "Send a minimised extract to the courier as our processor, under a contract"
CALL_FULL = "Send the full order table: the courier already delivers our parcels"
CALL_NOTHING = "Send nothing: the Act forbids any use beyond delivery"

EV_K = "In my data, PIN to 3 digits with the order week reaches k ≥ 5"
EV_DAY = "In my data, PIN to 3 digits with the exact order day also reaches k ≥ 5"
EV_S8 = "Bazaar stays answerable for what the courier does with the data (s.8)"
EV_RETAIN = "A purpose, a retention limit and deletion at the end are written into the contract"
EV_PSEUDO = "Pseudonymised order ids take the extract out of the DPDP Act"
EV_CONSENT = "Consent is the only lawful ground, so each shopper must tick a new box first"


def _courier_key(ctx) -> MemoKey:
    week, day = _extract_checks(ctx)
    evidence = {EV_S8, EV_RETAIN}
    if week.satisfied:
        evidence.add(EV_K)
    if day.satisfied:
        evidence.add(EV_DAY)
    numbers = {"k with PIN-3 and order week": week.k, "k with PIN-3 and order day": day.k}
    return MemoKey(call=CALL_PROCESSOR, numbers=numbers, evidence=frozenset(evidence))


def _courier_model_answer(ctx) -> str:
    week, day = _extract_checks(ctx)
    verdict = "reaches" if week.satisfied else "does not reach"
    fix = (
        "so it can go as it is"
        if week.satisfied
        else "so coarsen further (PIN to 2 digits, or month) before it goes"
    )
    return (
        "Call: send a minimised extract to the courier, acting as our **processor** under a "
        "written contract (DPDP Act 2023, s.8): Bazaar decides the purpose and stays answerable "
        "for what the courier does. Purpose: delivery-time estimates for Bazaar orders only; no "
        "marketing, resale or onward sharing. Lawful ground: the shoppers gave their addresses "
        "to get orders delivered, which is arguably a legitimate use (s.7) for estimates that "
        "serve those deliveries; confirm with counsel, and name delivery partners in the notice. "
        "Data: order id pseudonymised with a keyed hash (still personal data, "
        "so the contract covers it), PIN to 3 digits, order week, payment method, promised and "
        f"actual delivery dates; no names or phone numbers. In my data that extract {verdict} "
        f"k ≥ 5 (smallest group {week.k}), {fix}; with the exact order day the smallest group "
        f"is {day.k}. Contract: security safeguards, breach notice, deletion after 90 days, "
        "no re-identification, audit rights, a named owner on each side; if children could be "
        "among the recipients of orders (toys, school supplies), nothing about them beyond "
        "delivery. Success metric: on-time delivery rate and ETA error, shared back."
    )


# ---------------------------------------------------------------- the exercises

EXERCISES = [
    Exercise(
        id="collection.fix_tracking_plan",
        title="Fix a broken tracking plan",
        tags=["decide"],
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
        tags=["compute"],
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
        tags=["compute"],
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
        tags=["compute"],
        prompt=(
            "Clean your raw `events` of all four kinds of dirt the lesson found (retry "
            "duplicates, bot sessions, missing customer ids repaired from `sessions`, events more "
            "than 3 days late), in that order. By how many percentage points does session "
            "conversion (sessions with a purchase ÷ sessions) change, cleaned minus raw? Give "
            "at least two decimals, e.g. 0.12 for +0.12 pp."
        ),
        kind=Number(abs=0.005),
        reference=_shift_pp,
        hints=[
            "`collection.clean_events(events, sessions=sessions)` runs the four checks; its report "
            "has `.before.session_conversion` and `.after.session_conversion` (fractions).",
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
        tags=["compute"],
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
        tags=["compute", "decide"],
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
        id="collection.late_by_device",
        title="Which devices' events arrive late? (SQL)",
        variable="query",
        tags=["compute"],
        prompt=(
            "Write one SQL query that returns one row per `device` (from `sessions`, joined to "
            "`events` on `session_id`) with the columns `device`, `events` (number of raw "
            "events) and `late_share` (share of those events whose `ingested_ts` is more than "
            "1 hour after `ts`, as a fraction)."
        ),
        kind=SQLAnswer(ignore_order=True, rtol=1e-6),
        reference=LATE_BY_DEVICE_SQL,
        hints=[
            "JOIN sessions USING (session_id), then GROUP BY the device.",
            "AVG(CASE WHEN e.ingested_ts - e.ts > INTERVAL 1 HOUR THEN 1.0 ELSE 0.0 END) is a share.",
        ],
        explanation=(
            "Before choosing a watermark, check who it would drop: if late events pile up on "
            "one device (or in tier-2/3 cities), a short watermark under-counts exactly those users."
        ),
        solution=f'query = """\n{LATE_BY_DEVICE_SQL}\n"""',
    ),
    Exercise(
        id="collection.watermark_choice",
        title="How long should the daily revenue report wait?",
        variable="watermark",
        tags=["compute", "decide"],
        prompt=(
            "Finance wants the daily revenue report as early as possible, but it may miss at most "
            "0.1 % of events. From your raw `events` (`ingested_ts − ts`), which is the shortest "
            "of these watermarks that drops no more than 0.1 % of events?"
        ),
        kind=Choice(
            {
                **{
                    w: f"Compute the share of events more than {w} late: is it at most 0.1 %?"
                    for w in WATERMARKS
                },
                NONE_FITS: "Compute the share of events more than 7 days late.",
            },
            shuffle=False,
        ),
        reference=_watermark,
        hints=[
            "For each watermark w: `((events['ingested_ts'] - events['ts']) > pd.Timedelta(w)).mean()`.",
            "`collection.lateness_profile(events, ['1h', '6h', '1D', '3D', '7D'])` does all five.",
        ],
        explanation=(
            "Freshness costs completeness: a longer wait drops fewer late events. Pick the "
            "shortest wait that meets the accuracy the decision needs, and re-run the day later "
            "if the late events matter."
        ),
    ),
    Exercise(
        id="collection.city_spend",
        title="Spend by city, with small cells hidden",
        variable="by_city",
        tags=["compute"],
        prompt=(
            "A partner may see spend per city, but no figure built from fewer than 10 people. "
            "From `orders` and `customers` (for `city`), build a DataFrame with one row per city "
            "and the columns `city`, `buyers` (distinct customers with an order) and `spend` "
            "(sum of `net_value`, ₹), with `spend` set to NaN where `buyers` is below 10."
        ),
        kind=DataFrameAnswer(ignore_order=True, rtol=1e-6),
        reference=_city_spend,
        hints=[
            "Merge orders with customers[['customer_id', 'city']], then group by city: "
            "`buyers=('customer_id', 'nunique')`, `spend=('net_value', 'sum')`.",
            "`by_city.loc[by_city['buyers'] < 10, 'spend'] = float('nan')`",
        ],
        explanation=(
            "Count people, not orders: ten orders from one shopper still describe one person. "
            "A minimum cell size keeps a small town's one big spender from being recognised."
        ),
        wrong_answers=[
            WrongAnswer(
                predicate=_counted_orders,
                example=_orders_as_buyers,
                message=(
                    "Your `buyers` add up to more than the distinct customers: did you count "
                    "orders? The cell size counts people."
                ),
            ),
        ],
        solution=(
            "o = orders.merge(customers[['customer_id', 'city']], on='customer_id')\n"
            "by_city = o.groupby('city').agg(buyers=('customer_id', 'nunique'),\n"
            "                                spend=('net_value', 'sum')).reset_index()\n"
            "by_city.loc[by_city['buyers'] < 10, 'spend'] = float('nan')"
        ),
    ),
    Exercise(
        id="collection.lawful_ground",
        title="Sharing addresses with the courier",
        variable="statement",
        tags=["decide"],
        prompt=(
            "Bazaar sends each order's name, phone number and address to its courier partner so "
            "the parcel can be delivered. Under the DPDP Act 2023, which statement is right?"
        ),
        kind=Choice(
            {
                "The courier processes the data for Bazaar under a contract, and Bazaar stays "
                "answerable for it": "Yes: a processor acts on the fiduciary's behalf (s.8).",
                "Consent is the only lawful ground, so delivery needs its own consent tick-box": (
                    "Consent (s.6) is one ground; the Act also lists certain legitimate uses "
                    "(s.7), such as the purpose for which the shopper gave the address."
                ),
                "Once the courier has the data, the courier alone is responsible for it": (
                    "Bazaar decides why the data is processed, so it stays answerable for what "
                    "its processor does (s.8): the contract must say so."
                ),
                "Sending a pseudonymised phone number would take the data out of the Act": (
                    "Pseudonymised data is still personal data: the key holder can re-link it. "
                    "And the courier needs the real number to call the shopper."
                ),
            }
        ),
        reference=(
            "The courier processes the data for Bazaar under a contract, and Bazaar stays "
            "answerable for it"
        ),
        hints=["Who decides why the data is processed, and who only carries it out?"],
        explanation=(
            "The shopper gave the address to get the parcel: a legitimate use (s.7). The courier "
            "is a processor; the contract limits it to delivery and Bazaar answers for it."
        ),
    ),
    Exercise(
        id="collection.rule_check",
        title="Does the fraud rule catch refusals?",
        variable="verdict",
        tags=["compute", "decide"],
        prompt=(
            "A proposed rule flags a customer's first order in the data when it is paid cash on "
            "delivery and worth more than 95 % of all orders. From your `orders`, compare the "
            "share refused at the door (`status == 'rto'`) of flagged orders with that of the "
            "other COD orders (two-proportion test, 95 % interval of the difference). Should the "
            "rule go to a review queue?"
        ),
        kind=Choice(
            {
                SEPARATES: "Look at the interval of the difference in refusal rates: is it all "
                "above zero?",
                NO_SEPARATION: "Look at the interval of the difference in refusal rates: is it "
                "all above zero?",
            }
        ),
        reference=_rule_verdict,
        hints=[
            "Sort orders by customer and time; a first order is one whose customer_id has not "
            "appeared before. The value threshold is `orders['net_value'].quantile(0.95)`.",
            "`collection.rule_check(orders)` runs the comparison and says whether it separates.",
        ],
        explanation=(
            "A rule is a hypothesis about an outcome. If it does not separate the outcome in "
            "past data, it only adds friction for good shoppers; Lesson 7 trains and evaluates "
            "real risk models."
        ),
    ),
    Exercise(
        id="collection.data_sharing",
        title="Memo: a data-sharing agreement with a courier partner",
        variable="memo",
        tags=["judgement"],
        prompt=(
            "A courier partner serving tier-2 and tier-3 cities asks for Bazaar's order data to "
            "improve its delivery-time estimates for Bazaar's parcels. The extract on the table: "
            "keyed-hash order id, customer PIN code to 3 digits, the order's week, payment "
            "method. Make the call, tick the points that belong, give the smallest group size k "
            "of the extract with the order week and with the exact order day (from your "
            "`orders` and `customers`), and explain what the agreement must say."
        ),
        kind=Judgement(
            model_answer=_courier_model_answer,
            rubric=[
                "States a narrow purpose and forbids other uses or onward sharing",
                "Names the courier as a processor under contract, with Bazaar answerable (s.8)",
                "Names the lawful ground (a legitimate use or consent) and the notice",
                "Minimises the data and quotes k for the release",
                "Sets retention, deletion and a ban on re-identification; covers security and breach notice",
            ],
            calls={
                CALL_PROCESSOR: "",
                CALL_FULL: (
                    "Purpose limitation: the estimate needs a few columns, not names, phones and "
                    "exact addresses for every order."
                ),
                CALL_NOTHING: (
                    "Delivery-time estimates serve the deliveries the shopper asked for; the Act "
                    "allows processing for a lawful ground and purpose, with a processor under "
                    "contract."
                ),
            },
            evidence={
                EV_K: (True, ""),
                EV_DAY: (True, ""),
                EV_S8: (True, ""),
                EV_RETAIN: (True, ""),
                EV_PSEUDO: (False, "pseudonymised data is still personal data"),
                EV_CONSENT: (False, "the Act also allows certain legitimate uses (s.7)"),
            },
            numbers={
                "k with PIN-3 and order week": Number(abs=0),
                "k with PIN-3 and order day": Number(abs=0),
            },
        ),
        reference=_courier_key,
        hints=[
            "`collection.k_anonymity(extract, ['pin3', 'order_week']).k` gives the smallest group.",
            "Whether each k ≥ 5 holds depends on your data: check both before ticking.",
        ],
        solution="See the model answer shown after you check your memo.",
    ),
]
