"""Exercises of Lesson 6: forecast demand and place stock before the festive rush.

Every reference is computed from the learner's own ``demand_daily``, ``warehouses`` and
``products`` with the same ``pm_toolkit.forecasting`` functions the lesson uses, so each learner
gets their own right answers and none is typed here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from pm_toolkit import forecasting as fc
from pm_toolkit.exercises import (
    Choice,
    DataFrameAnswer,
    Exercise,
    FunctionAnswer,
    Judgement,
    MemoKey,
    Number,
    Percent,
    SQLAnswer,
    Verdict,
    WrongAnswer,
)
from pm_toolkit.exercises.parsing import describe
from pm_toolkit.formatting import format_inr, format_inr_compact

#: The series, windows and costs the exercises name (fixed, so prompts can say them).
WEEKS_FROM, WEEKS_TO = "2025-07-14", "2025-10-05"  # 12 Monday-to-Sunday weeks
WAPE_SERIES, WAPE_ORIGIN = ("bengaluru", "electronics"), "2025-09-11"
CENSOR_SERIES, CENSOR_YEAR = ("kolkata", "fashion"), 2024
NEWSVENDOR_SERIES = ("bengaluru", "electronics")
BUY_CATEGORY, BUY_SHARE = "electronics", 0.9
ALLOCATION_TOLERANCE = 0.01  # within 1 % of the lowest expected cost


# ---- shared, cached per learner ------------------------------------------------------------------
def _demand(ctx) -> pd.DataFrame:
    return ctx.cached("fc:demand", lambda: ctx.load("demand_daily"))


def _season(ctx) -> fc.Season:
    return ctx.cached(
        "fc:season",
        lambda: fc.build_season(_demand(ctx), ctx.load("warehouses"), ctx.load("products")),
    )


def _comparison(ctx):
    return ctx.cached("fc:comparison", lambda: fc.compare_policies(_season(ctx)))


def _diwali(ctx) -> fc.Backtest:
    return ctx.cached("fc:diwali", lambda: fc.diwali_week_backtest(_demand(ctx)))


def series_forecast(season: fc.Season, warehouse: str, category: str) -> tuple[float, float]:
    """(mean, sd) of the season's forecast for one warehouse and category."""
    w, c = season.warehouses.index(warehouse), season.categories.index(category)
    return float(season.forecast_mu[w, c]), float(season.forecast_sd[w, c])


def category_costs(products: pd.DataFrame, category: str, days: int = 28) -> tuple[float, float]:
    """(Cu, Co) per unit for a category, as the exercises define them (₹)."""
    price, cost = fc.unit_economics(products).loc[category].to_numpy(float)
    return price - cost + 0.10 * price, 0.40 * cost + 1.5 * days


# ---- Q1 SQL ----------------------------------------------------------------------------------------
_WEEKLY_SQL = (
    "SELECT warehouse, date_trunc('week', date) AS week_start, SUM(units_sold) AS units "
    f"FROM demand_daily WHERE date >= DATE '{WEEKS_FROM}' AND date <= DATE '{WEEKS_TO}' "
    "GROUP BY warehouse, week_start"
)
_WEEKLY_DEMANDED = _WEEKLY_SQL.replace("SUM(units_sold)", "SUM(units_demanded)")


def _same_result(query: str, wrong_query: str, ctx) -> bool:
    kind = SQLAnswer()
    try:
        return kind.compare(query, kind.expected(wrong_query, ctx), ctx).correct
    except Exception:
        return False


# ---- Q2 seasonal-naive WAPE ------------------------------------------------------------------------
def _wape_pair(ctx) -> tuple[float, float]:
    def make() -> tuple[float, float]:
        d = _demand(ctx)
        w, c = WAPE_SERIES
        rows = d[(d["warehouse"] == w) & (d["category"] == c)]
        bt = fc.backtest(rows, {"sn": fc.seasonal_naive}, [WAPE_ORIGIN], 28, actual="units_sold")
        a, f = bt.forecasts["actual"], bt.forecasts["forecast"]
        return fc.wape(a, f), fc.mape(a, f)

    return ctx.cached("fc:wape", make)


# ---- Q3 censored weeks -----------------------------------------------------------------------------
def _censored(ctx) -> pd.DataFrame:
    d = _demand(ctx)
    year = d[pd.to_datetime(d["date"]).dt.year == CENSOR_YEAR]
    return fc.censored_weeks(year, *CENSOR_SERIES)


# ---- Q5/Q6 newsvendor ------------------------------------------------------------------------------
def _newsvendor(ctx, swap: bool = False, plain: bool = False) -> float:
    mu, sd = series_forecast(_season(ctx), *NEWSVENDOR_SERIES)
    cu, co = category_costs(ctx.load("products"), NEWSVENDOR_SERIES[1])
    if plain:
        return mu
    return fc.newsvendor_normal(mu, sd, co, cu) if swap else fc.newsvendor_normal(mu, sd, cu, co)


def _stock_level(mu, sigma, cost_under, cost_over):
    return mu + sigma * stats.norm.ppf(cost_under / (cost_under + cost_over))


def _stock_level_swapped(mu, sigma, cost_under, cost_over):
    return mu + sigma * stats.norm.ppf(cost_over / (cost_under + cost_over))


def _stock_level_mean(mu, sigma, cost_under, cost_over):
    return mu


_NV_CASES = [
    (100.0, 20.0, 300.0, 100.0),
    (5000.0, 800.0, 150.0, 450.0),
    (42.0, 9.5, 80.0, 80.0),
    (1200.0, 300.0, 999.0, 1.0),
    (60.0, 15.0, 10.0, 90.0),
]


# ---- Q7 allocation ---------------------------------------------------------------------------------
def allocation_inputs(ctx) -> dict:
    """μ, σ per warehouse, the buy and the unit costs of the allocation exercise."""

    def make() -> dict:
        s = _season(ctx)
        c = s.categories.index(BUY_CATEGORY)
        mu, sd = s.forecast_mu[:, c], s.forecast_sd[:, c]
        cu, co = category_costs(ctx.load("products"), BUY_CATEGORY)
        buy = float(round(BUY_SHARE * mu.sum(), -2))
        return {"names": s.warehouses, "mu": mu, "sigma": sd, "buy": buy, "cu": cu, "co": co}

    return ctx.cached("fc:alloc", make)


def _best_split(ctx) -> pd.DataFrame:
    a = allocation_inputs(ctx)
    best = fc.allocate_buy(a["mu"], a["sigma"], a["buy"], a["cu"], a["co"], names=a["names"])
    return best.table()


class AllocationAnswer(DataFrameAnswer):
    """A split of the buy, graded on its expected cost (within a tolerance of the optimum),
    not on matching one table. The reference is the optimal split."""

    def __init__(self, tolerance: float = ALLOCATION_TOLERANCE) -> None:
        super().__init__(ignore_order=True)
        self.tolerance = tolerance

    def compare(self, parsed, expected, ctx) -> Verdict:
        if not isinstance(parsed, pd.DataFrame):
            return Verdict(False, f"Expected a table (DataFrame), but got {describe(parsed)}.")
        missing = {"warehouse", "units"} - {str(c) for c in parsed.columns}
        if missing:
            return Verdict(False, "Your table needs the columns 'warehouse' and 'units'.")
        a = allocation_inputs(ctx)
        try:
            units = pd.to_numeric(parsed.set_index("warehouse")["units"], errors="coerce")
            units = units.reindex(list(a["names"]))
        except (ValueError, TypeError):
            return Verdict(False, "Give one row per warehouse, each named once.")
        if units.isna().any() or len(parsed) != len(a["names"]):
            return Verdict(False, f"Give one row for each of the {len(a['names'])} warehouses.")
        u = units.to_numpy(float)
        if not np.isfinite(u).all() or (u < 0).any():
            return Verdict(False, "Units must be zero or more in every warehouse.")
        if abs(u.sum() - a["buy"]) > max(1.0, 0.001 * a["buy"]):
            more = "more" if u.sum() > a["buy"] else "fewer"
            return Verdict(False, f"Your split places {u.sum():,.0f} units: {more} than the buy.")
        best = fc.allocation_cost(expected["units"], a["mu"], a["sigma"], a["cu"], a["co"])
        cost = fc.allocation_cost(u, a["mu"], a["sigma"], a["cu"], a["co"])
        if cost <= best * (1 + self.tolerance):
            return Verdict(True, f"Expected cost {format_inr(cost)}: as good as the best split.")
        return Verdict(
            False,
            f"Your split's expected cost is {format_inr(cost)}, more than "
            f"{self.tolerance:.0%} above the lowest possible. Which warehouses carry the "
            "most uncertainty for their size?",
        )


def _equal_split(ctx) -> pd.DataFrame:
    a = allocation_inputs(ctx)
    n = len(a["names"])
    return pd.DataFrame({"warehouse": list(a["names"]), "units": [a["buy"] / n] * n})


def _all_in_one(ctx) -> pd.DataFrame:
    a = allocation_inputs(ctx)
    units = [0.0] * len(a["names"])
    units[int(np.argmax(a["mu"]))] = a["buy"]
    return pd.DataFrame({"warehouse": list(a["names"]), "units": units})


def _is_equal(answer, ctx) -> bool:
    try:
        u = pd.to_numeric(answer["units"]).to_numpy(float)
        return len(u) > 1 and np.ptp(u) <= 1.0
    except Exception:
        return False


def _is_one_place(answer, ctx) -> bool:
    try:
        u = pd.to_numeric(answer["units"]).to_numpy(float)
        return len(u) > 1 and int((u > 0).sum()) == 1
    except Exception:
        return False


# ---- Q8/Q9 replay ----------------------------------------------------------------------------------
def _days_saved(ctx) -> float:
    t = _comparison(ctx).table()
    return float(t.loc["central", "avg delivery days"] - t.loc["anticipatory", "avg delivery days"])


_POLICY_FEEDBACK = (
    "Look at the margin column of your own replay: another policy earns more over the season."
)


# ---- Q10 stock-outs in Diwali windows ----------------------------------------------------------------
def _diwali_sold_out(ctx, all_days: bool = False) -> float:
    d = _demand(ctx)
    d = d[pd.to_datetime(d["date"]).dt.year.isin([2023, 2024])]
    out = fc.sold_out(d)
    return float(out.mean() if all_days else out[fc.findings.diwali_windows(d)].mean())


# ---- Q12 memo --------------------------------------------------------------------------------------
CALLS = {
    "anticipatory": "Place the festive buy near customers, sized by the forecast",
    "central": "Hold the whole buy in one central warehouse",
    "last year + 10%": "Repeat last year's numbers plus 10 %",
    "manual": "Let the planners size it from the last four weeks",
}
_EVIDENCE = {
    "Forecast-based placement delivered faster than one central warehouse": (
        True,
        "your replay does not show that",
    ),
    "The manual plan ran out of stock on more units": (True, "your replay does not show that"),
    "The forecast was backtested from past origins against what happened": (True, ""),
    "Sales on sold-out days measure true demand": (
        False,
        "a sold-out day only shows demand was at least what sold",
    ),
    "'Same week last year' lines up with Diwali": (
        False,
        "Diwali moved by weeks between years; only an aligned comparison lines it up",
    ),
}
NUMBERS = ("days saved per order vs one central warehouse", "extra margin vs the manual plan (₹)")


def memo_facts(ctx) -> dict:
    t = _comparison(ctx).table()
    return {
        "best": _comparison(ctx).best("margin (₹)"),
        "days_saved": float(t.loc["central", "avg delivery days"] - t.loc["anticipatory", "avg delivery days"]),
        "margin_vs_manual": float(t.loc["anticipatory", "margin (₹)"] - t.loc["manual", "margin (₹)"]),
        "extra_stockouts_manual": float(
            t.loc["manual", "stock-outs (units)"] - t.loc["anticipatory", "stock-outs (units)"]
        ),
    }  # fmt: skip


def _memo_key(ctx) -> MemoKey:
    f = memo_facts(ctx)
    belongs = {k for k, (b, _w) in _EVIDENCE.items() if b}
    if f["days_saved"] <= 0:
        belongs.discard("Forecast-based placement delivered faster than one central warehouse")
    if f["extra_stockouts_manual"] <= 0:
        belongs.discard("The manual plan ran out of stock on more units")
    return MemoKey(
        call=CALLS[f["best"]],
        numbers={NUMBERS[0]: f["days_saved"], NUMBERS[1]: f["margin_vs_manual"]},
        evidence=frozenset(belongs),
    )


def memo_model_answer(ctx) -> str:
    f = memo_facts(ctx)
    faster = "faster" if f["days_saved"] > 0 else "slower"
    more = "more" if f["margin_vs_manual"] > 0 else "less"
    return (
        f"Call: {CALLS[f['best']].lower()}; it earned the most margin in the Diwali replay. "
        f"Forecast-based placement delivered {abs(f['days_saved']):.2f} days {faster} per order "
        f"than one central warehouse and earned {format_inr_compact(abs(f['margin_vs_manual']))} "
        f"{more} margin than the planners' manual plan, which ran out on "
        f"{abs(f['extra_stockouts_manual']):,.0f} more units. The forecast was backtested from "
        "past origins, aligned on Diwali's moving date and trained without sold-out days. "
        "Risks: new products with no history and promotions the forecast was not told about; "
        "keep a buffer in the nearest second warehouse and reroute when monsoon rain slows a lane."
    )


EXERCISES = [
    Exercise(
        id="forecasting.weekly_units_sql",
        title="Weekly units per warehouse (SQL)",
        prompt=(
            "Write one SQL query on `demand_daily` that returns the units **sold** per warehouse "
            f"per week for the 12 weeks from Monday {WEEKS_FROM} to Sunday {WEEKS_TO}: columns "
            "`warehouse`, `week_start` (the Monday, as DuckDB's `date_trunc('week', date)` "
            "gives it) and `units`."
        ),
        kind=SQLAnswer(),
        reference=_WEEKLY_SQL,
        hints=[
            "GROUP BY warehouse and date_trunc('week', date); SUM(units_sold) AS units.",
            f"Filter with WHERE date >= DATE '{WEEKS_FROM}' AND date <= DATE '{WEEKS_TO}'.",
        ],
        explanation="This weekly table is what a planning meeting looks at; remember it shows "
        "sales, which stock-outs cap.",
        wrong_answers=[
            WrongAnswer(
                predicate=lambda q, ctx: _same_result(q, _WEEKLY_DEMANDED, ctx),
                example=_WEEKLY_DEMANDED,
                message="You summed `units_demanded`: that column is the hidden truth a real "
                "company never sees. Sum what was sold.",
            ),
        ],
        solution=_WEEKLY_SQL,
        tags=["compute"],
    ),
    Exercise(
        id="forecasting.seasonal_naive_wape",
        title="How wrong is the seasonal-naive forecast?",
        variable="sn_wape",
        prompt=(
            f"Take {WAPE_SERIES[1]} at {WAPE_SERIES[0]}. Standing on {WAPE_ORIGIN}, forecast "
            "each of the next 28 days as the sales of the same weekday in the last 7 days "
            "before it (seasonal naive). Score it against `units_sold`: what is the WAPE? "
            "Give a % (e.g. 18.4%) or a fraction (0.184), to 0.1 points."
        ),
        kind=Percent(abs=0.001),
        reference=lambda ctx: _wape_pair(ctx)[0],
        hints=[
            "WAPE = Σ|actual − forecast| / Σ actual over the 28 days.",
            "The forecast for day k (0-based) is the sale on the day origin − 7 + (k mod 7).",
            "fc.seasonal_naive and fc.backtest(..., actual='units_sold') do it for you.",
        ],
        explanation="This is the baseline every model must beat: its WAPE is the bar for FVA.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _wape_pair(ctx)[1],
                message="That is MAPE (the mean of daily percentage errors). WAPE divides the "
                "total miss by total sales.",
            ),
        ],
        solution="bt = fc.backtest(rows, {'sn': fc.seasonal_naive}, ['2025-09-11'], 28, "
        "actual='units_sold')\nsn_wape = fc.wape(bt.forecasts['actual'], bt.forecasts['forecast'])",
        tags=["compute"],
    ),
    Exercise(
        id="forecasting.censored_weeks",
        title="Spot the censored weeks",
        variable="censored",
        prompt=(
            f"For {CENSOR_SERIES[1]} at {CENSOR_SERIES[0]} in {CENSOR_YEAR}, build a table of "
            "the weeks (Monday start) with at least one sold-out day, a day where `units_sold` "
            "reached `stock_start`. Columns: `week_start` (a pandas datetime: use "
            "`pd.to_datetime` on `date`), `days_sold_out`, `units_sold` (the week's total)."
        ),
        kind=DataFrameAnswer(ignore_order=True),
        reference=_censored,
        hints=[
            "week_start = date − weekday days: d['date'] - pd.to_timedelta(d['date'].dt.day_of_week, unit='D').",
            "Flag sold-out days with units_sold >= stock_start, group by week_start, sum, keep "
            "weeks with days_sold_out > 0.",
        ],
        explanation="Every one of these weeks understates demand: a forecast trained on them "
        "learns the shelf, not the shopper.",
        solution="censored = fc.censored_weeks(year_rows, 'kolkata', 'fashion')",
        tags=["compute"],
    ),
    Exercise(
        id="forecasting.diwali_forecast",
        title="Which forecast do you trust for Diwali week?",
        prompt=(
            "Last year each method forecast electronics (all five warehouses) for Diwali week "
            "(the 7 days before Diwali, 31 Oct 2024), four weeks ahead, and was scored against "
            "true demand (`fc.diwali_week_backtest(demand)`). Which one do you trust for this "
            "year's Diwali week?"
        ),
        kind=Choice(
            {
                "seasonal naive": "It repeats the last week before the origin: an ordinary "
                "week. Check its Diwali-week WAPE in your backtest.",
                "moving average": "A flat average of ordinary weeks cannot see a peak coming. "
                "Check its Diwali-week WAPE.",
                "same week last year": "Same weekday, 364 days earlier: Diwali was not in that "
                "week, because it moved. Check its Diwali-week WAPE.",
                "aligned last year": "Your backtest shows another method closer in Diwali week; "
                "compare the WAPE column.",
                "Holt-Winters": "It learns trend and weekdays, nothing about festivals. Check "
                "its Diwali-week WAPE.",
                "gradient boosting": "Your backtest shows another method closer in Diwali week; "
                "compare the WAPE column.",
            },
            shuffle=False,
        ),
        reference=lambda ctx: _diwali(ctx).best(),
        hints=["Sort the backtest's scores by WAPE: the Diwali week is the week that matters."],
        explanation="Trust the method that was right in the week that matters, not on average.",
        solution="fc.diwali_week_backtest(demand).best()",
        tags=["decide"],
    ),
    Exercise(
        id="forecasting.newsvendor_units",
        title="How much to stock?",
        variable="stock",
        prompt=(
            f"Stock {NEWSVENDOR_SERIES[1]} at {NEWSVENDOR_SERIES[0]} for the season. From "
            "`products`, take the category's median `list_price` and median `unit_cost`. A "
            "unit short costs the margin plus 10 % of the price (goodwill); a unit left over "
            "loses 40 % of its cost in the markdown plus ₹1.5 a day for 28 days of holding. "
            "The season's demand forecast is normal with the mean and sd printed above this "
            "question. How many units, to the nearest unit?"
        ),
        kind=Number(rel=0.002, abs=1.0),
        reference=_newsvendor,
        hints=[
            "Cu = price − cost + 0.10·price; Co = 0.40·cost + 1.5·28.",
            "Critical ratio = Cu / (Cu + Co); units = mean + sd·Φ⁻¹(ratio) (scipy.stats.norm.ppf).",
        ],
        explanation="The costs set the service level; the forecast's spread sets how much safety "
        "stock that level needs.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _newsvendor(ctx, plain=True),
                message="That is the forecast's mean: no safety stock, a 50 % chance of running "
                "out. Use the critical ratio.",
            ),
            WrongAnswer(
                value=lambda ctx: _newsvendor(ctx, swap=True),
                message="You swapped the costs: the ratio is Cu / (Cu + Co), the shortage cost "
                "on top.",
            ),
        ],
        solution="stock = mu + sd * stats.norm.ppf(cu / (cu + co))",
        tags=["compute"],
    ),
    Exercise(
        id="forecasting.newsvendor_function",
        title="The newsvendor rule as a function",
        prompt=(
            "Write `stock_level(mu, sigma, cost_under, cost_over)` that returns how many units "
            "to stock when demand is normal with mean `mu` and sd `sigma`, a unit short costs "
            "`cost_under` and a unit left over costs `cost_over`. It is tested on hidden cases."
        ),
        kind=FunctionAnswer(cases=_NV_CASES, reference_fn=_stock_level, name="stock_level"),
        hints=[
            "ratio = cost_under / (cost_under + cost_over)",
            "return mu + sigma * scipy.stats.norm.ppf(ratio)",
        ],
        wrong_answers=[
            WrongAnswer(
                fn=_stock_level_swapped,
                message="Your ratio uses the leftover cost on top; it should be "
                "cost_under / (cost_under + cost_over).",
            ),
            WrongAnswer(
                fn=_stock_level_mean,
                message="Your function returns the mean: it ignores the costs.",
            ),
        ],
        solution="def stock_level(mu, sigma, cost_under, cost_over):\n"
        "    return mu + sigma * stats.norm.ppf(cost_under / (cost_under + cost_over))",
        tags=["calculate"],
    ),
    Exercise(
        id="forecasting.allocation",
        title="Split a fixed festive buy across the warehouses",
        variable="split",
        prompt=(
            f"The buyer committed a fixed number of {BUY_CATEGORY} units for the season "
            "(printed above this question), less than the forecast. Split it across the five "
            "warehouses to make the expected cost of shortages and leftovers as low as you can, "
            "with each warehouse's forecast mean and sd (printed) and the costs of Q5. Return a "
            "DataFrame with columns `warehouse` and `units`. Graded on expected cost: within "
            "1 % of the best split counts."
        ),
        kind=AllocationAnswer(),
        reference=_best_split,
        hints=[
            "The best split gives every warehouse the same chance of running out.",
            "Find z with Σ(mean + z·sd) = buy, then units = mean + z·sd (fc.allocate_buy does it).",
        ],
        explanation="Equal service levels, not equal shares: the buy follows the forecast "
        "and its uncertainty.",
        wrong_answers=[
            WrongAnswer(
                predicate=_is_equal,
                example=_equal_split,
                message="An equal split ignores that the warehouses' regions differ in size.",
            ),
            WrongAnswer(
                predicate=_is_one_place,
                example=_all_in_one,
                message="Everything in one warehouse leaves four regions waiting for far "
                "shipments or empty shelves.",
            ),
        ],
        solution="split = fc.allocate_buy(mu, sd, buy, cu, co, names=warehouses).table()",
        tags=["compute"],
    ),
    Exercise(
        id="forecasting.delivery_gain",
        title="The delivery-day gain of anticipatory placement",
        variable="days_saved",
        prompt=(
            "Replay the festive season with stock placed near customers from the forecast, and "
            "with the same total in one central warehouse. By how many days is the average "
            "delivery faster with anticipatory placement (central minus anticipatory), to two "
            "decimals?"
        ),
        kind=Number(abs=0.01),
        reference=_days_saved,
        hints=[
            "The replay table has an 'avg delivery days' row per policy.",
            "fc.compare_policies(season).table() replays all four policies.",
        ],
        explanation="Days are what the customer sees; the same stock, placed well, arrives sooner.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: -_days_saved(ctx),
                message="The sign is reversed: central minus anticipatory.",
            ),
        ],
        solution="t = fc.compare_policies(season).table()\n"
        "days_saved = t.loc['central', 'avg delivery days'] - t.loc['anticipatory', 'avg delivery days']",
        tags=["compute"],
    ),
    Exercise(
        id="forecasting.best_policy",
        title="Which placement earns the most?",
        variable="winner",
        prompt="In your replay of the festive season, which placement policy earns the most margin?",
        kind=Choice({p: _POLICY_FEEDBACK for p in fc.POLICIES}, shuffle=False),
        reference=lambda ctx: _comparison(ctx).best("margin (₹)"),
        hints=["Compare the 'margin (₹)' column of the replay table."],
        explanation="Margin nets the stock-outs, the far shipments, the holding and the "
        "markdowns: the whole trade-off in one number.",
        solution="winner = fc.compare_policies(season).best('margin (₹)')",
        tags=["compute", "decide"],
    ),
    Exercise(
        id="forecasting.diwali_stockouts",
        title="How often did Diwali sell out?",
        variable="diwali_out",
        prompt=(
            "Over the Diwali shopping windows of 2023 and 2024 (the 12 days before each "
            "Diwali: 12 Nov 2023 and 31 Oct 2024), on what share of warehouse-category days did "
            "stock sell out (`units_sold` reached `stock_start`)? A % (e.g. 12.3%) or a "
            "fraction, to 0.1 points."
        ),
        kind=Percent(abs=0.001),
        reference=_diwali_sold_out,
        hints=[
            "Keep rows whose date falls in 31 Oct – 11 Nov 2023 or 19 – 30 Oct 2024.",
            "Mean of (units_sold >= stock_start) over those rows.",
        ],
        explanation="Compare it with the share over all days: the week that matters is the "
        "week sales say least about demand.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _diwali_sold_out(ctx, all_days=True),
                message="That is the share over every day of 2023–2024, not the Diwali windows.",
            ),
        ],
        solution="diwali_out = fc.sold_out(rows[fc.findings.diwali_windows(rows)]).mean()",
        tags=["compute"],
    ),
    Exercise(
        id="forecasting.error_measure",
        title="Which error measure for a slow seller?",
        prompt=(
            "Your data-science team reports accuracy for every warehouse × category, your "
            "slowest sellers included. Which measure should the weekly report lead with?"
        ),
        kind=Choice(
            {
                "WAPE (total absolute error ÷ total demand)": "",
                "MAPE (average of daily % errors)": "On a slow seller a day with 0 or 1 sale "
                "makes a daily % error huge or undefined (compute it on your slowest series).",
                "R² of the model": "R² says how much variation a model explains in-sample, not "
                "how many units a forecast misses.",
                "The number of days the forecast was exactly right": "Exact hits are rare and "
                "say nothing about how big the misses are.",
            }
        ),
        reference="WAPE (total absolute error ÷ total demand)",
        hints=["Which measure stays defined when a day sells nothing?"],
        explanation="WAPE weighs errors by volume, so slow sellers cannot blow it up; add bias "
        "to see which way the misses lean.",
        solution="WAPE",
        tags=["decide"],
    ),
    Exercise(
        id="forecasting.memo",
        title="Memo to the operations head",
        prompt=(
            "The operations head must commit the Diwali placement this week. Make the call, "
            "tick the points that support it, give the two numbers from your replay, and "
            "explain in a few sentences (risks included)."
        ),
        kind=Judgement(
            model_answer=memo_model_answer,
            rubric=[
                "States the call and the policy it rests on",
                "Quotes the delivery-day gain and the margin against the manual plan",
                "Says how the forecast was checked (backtest, festival alignment, censoring)",
                "Names a risk (new products, unplanned promotions, monsoon lanes) and a hedge",
            ],
            calls={v: _POLICY_FEEDBACK for v in CALLS.values()},
            evidence=_EVIDENCE,
            numbers={NUMBERS[0]: Number(abs=0.02), NUMBERS[1]: Number(rel=0.02, unit="₹")},
        ),
        reference=_memo_key,
        hints=[
            "Start from the replay table: margin, stock-outs, delivery days.",
            "days saved = central − anticipatory; extra margin = anticipatory − manual.",
        ],
        solution="See the model answer shown after you check your own.",
        tags=["judgement"],
    ),
]
