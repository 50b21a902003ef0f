"""Exercises of Lesson 5, the capstone: should Amazon India launch hourly dynamic pricing?

Every reference is computed from the learner's own ``pricing_panel``, ``products``, ``orders``
and ``customers`` with the same ``pm_toolkit.pricing`` functions the lesson uses, so each
learner gets their own right answers and no answer is typed here.
"""

from __future__ import annotations

from pm_toolkit import pricing
from pm_toolkit.exercises import Choice, Exercise, Judgement, Number, Percent, WrongAnswer

#: The trust effect of the "which policy wins" exercise: 2 % of trust lost per visible change.
TRUST_FOR_CHOICE = 0.02
#: The lift the switchback must detect: +5 % revenue per region-day.
SWITCHBACK_LIFT = 0.05


def _test(ctx):
    return ctx.cached(
        "pricing:test", lambda: pricing.panel_elasticity(ctx.load("pricing_panel"), randomised=True)
    )


def _naive(ctx):
    return ctx.cached(
        "pricing:naive",
        lambda: pricing.panel_elasticity(ctx.load("pricing_panel"), randomised=False),
    )


def _market(ctx) -> pricing.Market:
    return ctx.cached(
        "pricing:market",
        lambda: pricing.case_market(
            ctx.load("pricing_panel"), ctx.load("products"), elasticity=_test(ctx).elasticity
        ),
    )


def _report(ctx, trust: float) -> pricing.SimulationReport:
    return ctx.cached(
        f"pricing:report:{trust}", lambda: pricing.simulate(_market(ctx), trust_effect=trust)
    )


def _tight_product(ctx) -> tuple[float, float]:
    """(unit cost, MRP) of the panel product whose cost is highest relative to its MRP."""

    def make() -> tuple[float, float]:
        first = ctx.load("pricing_panel").groupby("product_id")[["unit_cost", "mrp"]].first()
        row = first.loc[(first["unit_cost"] / first["mrp"]).idxmax()]
        return float(row["unit_cost"]), float(row["mrp"])

    return ctx.cached("pricing:tight_product", make)


def _capped(ctx) -> float:
    cost, mrp = _tight_product(ctx)
    return pricing.capped_optimal_price(cost, _test(ctx).elasticity, mrp)


def _margin_gap(ctx) -> float:
    report = _report(ctx, 0.0)
    return report.margin("hourly") - report.margin("static")


def _units(ctx) -> tuple[float, float]:
    """Mean and SD of revenue per region-day: the switchback's unit of randomisation."""

    def make() -> tuple[float, float]:
        u = pricing.region_day_units(ctx.load("orders"), ctx.load("customers"))
        return float(u["revenue"].mean()), float(u["revenue"].std())

    return ctx.cached("pricing:units", make)


def _units_needed(ctx) -> int:
    mean, sd = _units(ctx)
    return pricing.switchback_units_needed(unit_mean=mean, unit_sd=sd, lift=SWITCHBACK_LIFT)


_POLICY_FEEDBACK = (
    "Look at the `gross_margin` column of your own run at this trust effect, not at zero."
)
_DESIGNS = {d.name: f"{d.verdict} {d.contamination}" for d in pricing.ROLLOUT_DESIGNS}
_SWITCHBACK = next(d.name for d in pricing.ROLLOUT_DESIGNS if d.key == "switchback")

EXERCISES = [
    Exercise(
        id="pricing.test_elasticity",
        title="Elasticity from the randomised price test",
        variable="test_elasticity",
        prompt=(
            "Estimate the price elasticity from the randomised price-test hours only "
            "(`panel['price_test']` is True), with the lesson's recipe: "
            "`pricing.estimate_elasticity(prices, units, groups=product ids, "
            "controls=pricing.hour_dummies(rows), method='poisson')`. Give it as a positive "
            "number (2.0 means a 1 % price rise loses 2 % of units). We accept ±0.1, well "
            "inside the estimate's 95 % confidence interval."
        ),
        kind=Number(abs=0.1),
        reference=lambda ctx: _test(ctx).elasticity,
        hints=[
            "Keep only the rows where `price_test` is True: there the price was drawn at random.",
            "rows = panel[panel['price_test']]; then pass rows['our_price'], rows['units_sold'], "
            "groups=rows['product_id'], controls=pricing.hour_dummies(rows), method='poisson'.",
            "The estimate is a record: its `.elasticity` attribute is the number to give.",
        ],
        explanation=(
            "On randomised prices, high and low prices meet the same demand on average, so the "
            "slope measures the shoppers' response and nothing else."
        ),
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _naive(ctx).elasticity,
                message="That is the estimate from the price history (price_test False), where "
                "prices chased demand. Use the randomised rows.",
            ),
            WrongAnswer(
                predicate=lambda a, ctx: a < 0,
                example=lambda ctx: -_test(ctx).elasticity,
                message="Give the elasticity as a positive magnitude: the slope is negative, the "
                "elasticity we report is how many % of units a 1 % price rise loses.",
            ),
        ],
        solution=(
            "rows = panel[panel['price_test']]\n"
            "test_elasticity = pricing.estimate_elasticity(rows['our_price'], rows['units_sold'], "
            "groups=rows['product_id'], controls=pricing.hour_dummies(rows), "
            "method='poisson').elasticity"
        ),
    ),
    Exercise(
        id="pricing.why_naive_wrong",
        title="Why the history-based elasticity is wrong",
        prompt=(
            "On the observational hours the same regression says shoppers react much less to "
            "price. What is the main reason that number is wrong?"
        ),
        kind=Choice(
            {
                "Prices were raised when demand was strong, so high prices and high sales "
                "show up together": "Yes: price is correlated with the demand shock, which "
                "flattens the fitted curve (the endogeneity trap).",
                "There are too few observational rows": "There are more observational rows "
                "than test rows; more biased data only makes the wrong answer more precise.",
                "Indian shoppers are not price sensitive": "The randomised test on the same "
                "products shows strong price sensitivity; the data did not change, the method did.",
                "A log-log regression cannot measure an elasticity": "The same regression "
                "recovers the elasticity on the randomised rows; the method is fine, the data is "
                "confounded.",
            }
        ),
        reference="Prices were raised when demand was strong, so high prices and high sales "
        "show up together",
        hints=["What decided the price in the observational hours, and what else did it see?"],
        solution="Prices chased demand: price and the demand shock moved together.",
    ),
    Exercise(
        id="pricing.plim",
        title="How big is the bias?",
        variable="naive_plim",
        prompt=(
            "Suppose log Q = a − 2·log p + u and log p = g + u + v, where the price noise v "
            "varies as much as the demand shock u (σv = σu). With unlimited data, what "
            "elasticity does the naive log-log regression report? (Use "
            "`pricing.ols_elasticity_plim`.)"
        ),
        kind=Number(abs=0.01),
        reference=lambda ctx: pricing.ols_elasticity_plim(2.0, gamma=1.0, sigma_u=1.0, sigma_v=1.0),
        hints=[
            "plim ε̂ = ε − γσu² / (γ²σu² + σv²), here with ε = 2 and γ = 1.",
            "With σu = σv = 1 the correction is 1/2.",
        ],
        explanation="Half the price variation follows demand, and the estimate loses a quarter "
        "of the true elasticity: more data does not fix it.",
        wrong_answers=[
            WrongAnswer(
                value=2.0,
                message="2 is the true elasticity; the naive regression is "
                "biased because price follows the demand shock.",
            ),
            WrongAnswer(
                value=1.0,
                message="That is the limit when the price only follows "
                "demand (σv → 0); here it also has its own noise.",
            ),
        ],
        solution="naive_plim = pricing.ols_elasticity_plim(2.0, gamma=1.0, sigma_u=1.0, "
        "sigma_v=1.0)",
    ),
    Exercise(
        id="pricing.capped_price",
        title="Optimal price under the MRP ceiling",
        variable="best_legal_price",
        prompt=(
            "Take the panel product whose unit cost is highest relative to its MRP. With your "
            "randomised elasticity, what is the profit-maximising price the law allows, in ₹? "
            "(`pricing.capped_optimal_price(cost, elasticity, mrp)`)"
        ),
        kind=Number(abs=0.5, unit="₹"),
        reference=_capped,
        hints=[
            "Group the panel by product_id, take each product's unit_cost and mrp, and pick "
            "the largest unit_cost / mrp.",
            "The Lerner price is cost × ε/(ε − 1); the law caps any price at the MRP.",
        ],
        explanation="When the Lerner price is above the MRP, the MRP is the best legal price: "
        "profit keeps rising up to the cap.",
        wrong_answers=[
            WrongAnswer(
                predicate=lambda a, ctx: a > _tight_product(ctx)[1] + 0.5,
                example=lambda ctx: _tight_product(ctx)[1] + 100.0,
                message="That price is above the product's MRP: selling above MRP is illegal "
                "under the Legal Metrology rules. Cap it.",
            ),
            WrongAnswer(
                value=lambda ctx: _tight_product(ctx)[0],
                message="That is the unit cost: the floor, not the best price.",
            ),
        ],
        solution="best_legal_price = pricing.capped_optimal_price(cost, test_elasticity, mrp)",
    ),
    Exercise(
        id="pricing.hourly_gain",
        title="What hourly pricing earns when nobody minds",
        variable="hourly_gain",
        prompt=(
            "Take the case market built with the randomised elasticity "
            "(`pricing.case_market(panel, products, elasticity=...)`) and run "
            "`pricing.simulate(market, trust_effect=0.0)`. By how many ₹ does the hourly "
            "policy's gross margin exceed the static policy's?"
        ),
        kind=Number(rel=0.01, abs=1.0, unit="₹"),
        reference=_margin_gap,
        hints=[
            "report.table() has one row per policy; take the 'gross_margin' column.",
            "Subtract static's margin from hourly's.",
        ],
        explanation="With no trust cost, hourly repricing gains by rationing stock before "
        "deliveries. Compare the size of this gain with the margin itself.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: -_margin_gap(ctx),
                message="The sign is reversed: hourly minus static, not static minus hourly.",
            ),
        ],
        solution="hourly_gain = report.margin('hourly') - report.margin('static')",
    ),
    Exercise(
        id="pricing.best_policy",
        title="Which policy wins when trust matters?",
        variable="winner",
        prompt=(
            f"Run the simulation again with `trust_effect={TRUST_FOR_CHOICE}` (each visible "
            "price change costs 2 % of the repeat customers' trust). Which policy earns the "
            "most gross margin?"
        ),
        kind=Choice({p.name: _POLICY_FEEDBACK for p in pricing.STANDARD_POLICIES}, shuffle=False),
        reference=lambda ctx: _report(ctx, TRUST_FOR_CHOICE).best_policy(),
        hints=["report.best_policy() names the policy with the highest gross margin."],
        explanation="Once changes cost trust, fewer changes win: the gain from rationing is "
        "small next to the loss of repeat customers.",
        solution="winner = pricing.simulate(market, trust_effect=0.02).best_policy()",
    ),
    Exercise(
        id="pricing.break_even",
        title="The break-even trust effect",
        variable="break_even",
        prompt=(
            "Above which trust effect does hourly pricing stop earning more margin than the "
            "static price? Use `pricing.break_even_trust(market, 'hourly', 'static')` and give "
            "it as the fraction the function returns (e.g. 0.008) or with a % sign ('0.8%')."
        ),
        kind=Percent(rel=0.03, abs=0.0002, accept="fraction"),
        reference=lambda ctx: ctx.cached(
            "pricing:be", lambda: pricing.break_even_trust(_market(ctx), "hourly", "static")
        ),
        hints=[
            "The function searches for the trust effect where the two margins are equal.",
            "Pass the market you built with the randomised elasticity.",
        ],
        explanation="This is the number the pilot must measure: if real shoppers lose more "
        "trust than this per change, hourly pricing loses money.",
        solution="break_even = pricing.break_even_trust(market, 'hourly', 'static')",
    ),
    Exercise(
        id="pricing.rollout_design",
        title="Choose the rollout experiment",
        prompt="Which experiment should test the hourly model before any launch?",
        kind=Choice(_DESIGNS),
        reference=_SWITCHBACK,
        hints=[
            "Two people seeing different prices for the same item at the same moment is the "
            "thing to avoid.",
            "Randomise when and where a policy runs, not who sees it.",
        ],
        explanation="A switchback keeps one price per region at a time, lets each region serve "
        "as its own control, and is analysed at the region × block level.",
        solution=_SWITCHBACK,
    ),
    Exercise(
        id="pricing.switchback_units",
        title="How many region-days does the switchback need?",
        variable="units_needed",
        prompt=(
            "Your switchback randomises state × day units. From your orders and customers "
            "(`pricing.region_day_units(orders, customers)`), take the mean and standard "
            "deviation of `revenue` per region-day. How many region-days in total (both arms) "
            f"are needed to detect a {SWITCHBACK_LIFT:.0%} revenue lift with 80 % power at "
            "α = 5 %? (`pricing.switchback_units_needed`)"
        ),
        kind=Number(rel=0.01),
        reference=_units_needed,
        hints=[
            "units = pricing.region_day_units(orders, customers); "
            "use units['revenue'].mean() and units['revenue'].std().",
            "Pass lift=0.05; the function returns the total for both arms.",
        ],
        explanation="Analyse at the unit you randomised: each region-day is one observation, "
        "however many orders it holds. Compare the answer with the region-days a month has.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _units_needed(ctx) / 2,
                message="That is one arm; the question asks for both arms together.",
            ),
        ],
        solution="units_needed = pricing.switchback_units_needed(unit_mean=units['revenue']"
        ".mean(), unit_sd=units['revenue'].std(), lift=0.05)",
    ),
    Exercise(
        id="pricing.decision_memo",
        title="The call: your decision memo",
        prompt=(
            "You have one month. Do you approve the hourly model as proposed? Write your call "
            "and defend it: the data and experiments you require first, the guardrails, and "
            "the conditions that would stop the rollout."
        ),
        kind=Judgement(
            model_answer=(
                "Not as proposed; approve a guarded pilot. The model's elasticities must come "
                "from randomised prices, because history-based ones are biased towards zero and "
                "would set prices far too high. The simulation shows hourly pricing gains little "
                "margin, and the gain disappears at a small trust effect that nobody has "
                "measured for Indian shoppers. So: run a switchback (region × day blocks, "
                "analysed per block) with the success metric, length and decision rule fixed in "
                "advance; track repeat purchase, complaints, returns, price-match requests and "
                "cart abandonment. Guardrails: never above MRP, never below cost, at most two "
                "changes per product per day and 5 % per change, lowest-price protection, no "
                "prices by personal traits, no false urgency (CCPA dark-pattern guidelines). "
                "Stop at once on any MRP breach; stop for review if repeat purchase falls or "
                "complaints rise beyond pre-set margins."
            ),
            rubric=[
                "Does not approve as proposed; proposes a guarded pilot or a clear test-first plan",
                "Requires causal (randomised) elasticities, not history-based ones",
                "Names a fair experiment design (switchback or item-level), not a user-level A/B "
                "test",
                "Sets guardrails: MRP cap, floor, a cap on changes per day and on step size, no "
                "dark patterns",
                "Names trust guardrail metrics and stop conditions fixed in advance",
            ],
        ),
        hints=[
            "Start from the break-even trust effect: is it measured anywhere?",
            "Then list what must be true before a launch, and what would stop it.",
        ],
        solution="See the model answer shown after you check your own.",
    ),
]
