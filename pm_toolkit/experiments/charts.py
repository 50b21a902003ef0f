"""Plots and dashboards for Lesson 4, built on :mod:`pm_toolkit.viz` (one style, colour-blind safe).

Every plot function draws, titles itself with the finding, shows the figure and returns
``None``; every dashboard's render function returns the result record it plotted, so
``dash.update(...).result`` is what tests and benchmarks assert on. The record's card carries
the verdict, so a render function never prints it as well (that showed each sentence twice).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator, PercentFormatter
from scipy import special

from pm_toolkit import viz
from pm_toolkit.experiments.multiple import PortfolioResult, portfolio_simulation
from pm_toolkit.experiments.power import SampleSizeResult, sample_size
from pm_toolkit.experiments.sequential import (
    PeekingResult,
    peeking_false_positive_rate,
    peeking_simulation,
)
from pm_toolkit.experiments.significance import ComparisonResult


def plot_arms(result: ComparisonResult, *, title: str | None = None, show: bool = True) -> None:
    """Control and treatment conversion with 95% intervals per arm (Wald, for the picture)."""
    _fig, ax = viz.new_axes(figsize=(6.0, 3.6))
    rates = np.array([result.control, result.treatment])
    n = np.array([result.n_control, result.n_treatment])
    half = 1.959963985 * np.sqrt(rates * (1 - rates) / n)
    ax.bar(
        ["Control (A)", "Treatment (B)"],
        rates,
        yerr=half,
        capsize=8,
        color=[viz.PALETTE[0], viz.PALETTE[1]],
    )
    ax.yaxis.set_major_formatter(viz.PERCENT)
    if title is None:
        word = (
            "converts better"
            if result.significant and result.difference > 0
            else ("converts worse" if result.significant else "is no different")
        )
        title = f"Treatment {word}: {100 * result.difference:+.2f} pp"
    viz.finish(ax, title=title, xlabel="Arm", ylabel="Conversion (% of users)", show=show)


def plot_sample_size_curve(
    baseline: float, power: float = 0.8, marker: float | None = None, *, show: bool = True
) -> None:
    """Users per arm against the relative MDE: halving the effect quadruples the test."""
    lifts = np.linspace(0.02, 0.30, 57)
    sizes = [sample_size(baseline, m, power=power, relative=True).n_per_arm for m in lifts]
    _fig, ax = viz.new_axes()
    ax.plot(100 * lifts, sizes, color=viz.PALETTE[0], label=f"{power:.0%} power, α = 0.05")
    ax.set_yscale("log")
    if marker is not None:
        n = sample_size(baseline, marker, power=power, relative=True).n_per_arm
        ax.scatter(
            [100 * marker],
            [n],
            color=viz.PALETTE[5],
            zorder=3,
            label=f"{marker:.0%} lift: {n:,} per arm",
        )
        title = f"Detecting a {marker:.0%} lift on a {baseline:.1%} baseline takes {n:,} users/arm"
    else:
        title = "Smaller effects need far more users"
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    viz.finish(
        ax,
        title=title,
        xlabel="Minimum detectable effect (relative lift, %)",
        ylabel="Users per arm (log scale)",
        show=show,
    )


#: Controls show their whole label: ipywidgets' default label box is about 80 px, which cut
#: "Sequential plan" to "Sequentia…" and "Ideas that work (%)" to "Ideas that…".
_LABEL = {"description_width": "initial"}


def _wide() -> widgets.Layout:
    """A fresh layout per control, without a width: the dashboard sizes each control from its
    label so the track keeps its room (``viz.fit_label``)."""
    return widgets.Layout()


def _slider(description: str, value: float, low: float, high: float, step: float):
    """A percentage slider whose whole label shows."""
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        style=_LABEL,
        layout=_wide(),
    )


def sample_size_dashboard(baseline: float, daily_users: float) -> viz.Dashboard:
    """Sliders for the MDE and the power; shows the sample size, the days and the curve."""

    def render(mde_percent: float, power_percent: float) -> SampleSizeResult:
        mde, pw = mde_percent / 100, power_percent / 100
        plot_sample_size_curve(baseline, pw, marker=mde)
        return sample_size(baseline, mde, power=pw, relative=True).with_traffic(daily_users)

    return viz.Dashboard(
        render,
        mde_percent=_slider("Smallest lift worth detecting, MDE (%)", 10, 2, 30, 1),
        power_percent=_slider("Power (%)", 80, 50, 95, 5),
    )


def plot_peeking(result: PeekingResult, n_paths: int = 30, *, show: bool = True) -> None:
    """z-statistic paths of A/A tests across looks, with the naive and sequential thresholds."""
    _fig, ax = viz.new_axes()
    looks = np.arange(1, result.looks + 1)
    z_crit = float(special.ndtri(1 - result.alpha / 2))  # the usual one-look threshold
    for path in result.z_paths[:n_paths]:
        crossed = bool((np.abs(path) >= z_crit).any())
        ax.plot(
            looks,
            path,
            color=viz.PALETTE[5] if crossed else viz.PALETTE[4],
            alpha=0.8 if crossed else 0.35,
            lw=1.2 if crossed else 0.8,
        )
    for sign in (1, -1):
        ax.axhline(
            sign * z_crit,
            color="black",
            ls="--",
            lw=1,
            label=f"p < {result.alpha:g} at one look" if sign == 1 else None,
        )
    bounds = np.asarray(result.boundaries.z)
    for sign in (1, -1):
        ax.plot(
            looks,
            sign * bounds,
            color=viz.PALETTE[2],
            lw=2.2,
            label=f"{result.boundaries.name} boundary" if sign == 1 else None,
        )
    ax.set_ylim(-5, 5)
    ax.set_xticks(looks)
    viz.finish(
        ax,
        title=f"Peeking {result.looks}× turns {result.peeking_fpr:.0%} of no-effect tests "
        f"into 'wins'",
        xlabel="Look (each adds the same number of users)",
        ylabel="z statistic (no real effect)",
        show=show,
    )


def peeking_dashboard(seed: int, n_sims: int = 10_000) -> viz.Dashboard:
    """A live peeking simulation: choose the number of looks and the sequential design."""

    def render(looks: int, design: str) -> PeekingResult:
        result = peeking_simulation(looks, n_sims=n_sims, seed=seed, design=design)
        plot_peeking(result)
        return result

    return viz.Dashboard(
        render,
        looks=widgets.IntSlider(
            value=5, min=1, max=20, step=1, description="Looks", style=_LABEL, layout=_wide()
        ),
        design=widgets.Dropdown(
            options=[("O'Brien–Fleming", "obrien_fleming"), ("Pocock", "pocock")],
            value="obrien_fleming",
            description="Sequential plan",
            style=_LABEL,
        ),
    )


def plot_peeking_curve(max_looks: int = 20, alpha: float = 0.05, *, show: bool = True) -> None:
    """Exact false-positive rate of naive peeking against the number of looks."""
    looks = np.arange(1, max_looks + 1)
    rates = [peeking_false_positive_rate(int(k), alpha) for k in looks]
    _fig, ax = viz.new_axes()
    ax.plot(looks, rates, marker="o", color=viz.PALETTE[5], label="stop at first p < 0.05")
    ax.axhline(alpha, color=viz.PALETTE[2], lw=2, label=f"what you signed up for ({alpha:.0%})")
    ax.set_ylim(0, max(rates) * 1.1)
    ax.yaxis.set_major_locator(MultipleLocator(0.05))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    viz.finish(
        ax,
        title=f"{max_looks} peeks push false wins from {alpha:.0%} to {rates[-1]:.0%}",
        xlabel="Number of looks",
        ylabel="False-positive rate",
        show=show,
    )


def plot_lift_over_time(
    frame: pd.DataFrame,
    *,
    title: str | None = None,
    cumulative: bool = False,
    show: bool = True,
) -> None:
    """Relative lift by day with its interval (from :func:`..analysis.daily_lift`).

    ``cumulative=True`` says so in the title: each point then uses every user up to that day.
    """
    _fig, ax = viz.new_axes()
    ax.fill_between(
        frame["day"],
        frame["lift_low"],
        frame["lift_high"],
        color=viz.PALETTE[4],
        alpha=0.3,
        label="95% interval",
    )
    ax.plot(frame["day"], frame["lift"], marker="o", color=viz.PALETTE[0], label="lift")
    ax.axhline(0, color="black", lw=1)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if title is None and cumulative:
        title = (
            f"Cumulative lift: {frame['lift'].iloc[0]:+.0%} after day 0, "
            f"{frame['lift'].iloc[-1]:+.0%} after {len(frame)} days"
        )
    elif title is None:
        k = max(1, min(3, len(frame) // 3))
        first, last = frame["lift"].iloc[:k].mean(), frame["lift"].iloc[-k:].mean()
        title = f"Lift averaged {first:+.0%} in the first {k} days and {last:+.0%} in the last {k}"
    xlabel = "Day of the test (users up to that day)" if cumulative else "Day users entered"
    viz.finish(ax, title=title, xlabel=xlabel, ylabel="Relative lift in conversion", show=show)


def plot_portfolio(result: PortfolioResult, *, show: bool = True) -> None:
    """True and false wins among many experiments, before and after Benjamini–Hochberg."""
    _fig, ax = viz.new_axes(figsize=(6.0, 3.6))
    labels = ["p < 0.05", "Benjamini–Hochberg"]
    true = [result.wins - result.false_wins, result.wins_bh - result.false_wins_bh]
    false = [result.false_wins, result.false_wins_bh]
    ax.bar(labels, true, color=viz.PALETTE[2], label="real effect")
    ax.bar(labels, false, bottom=true, color=viz.PALETTE[5], label="no effect (false win)")
    viz.finish(
        ax,
        title=f"{result.false_share:.0%} of 'wins' were noise; {result.false_share_bh:.0%} "
        "after BH",
        xlabel="How wins are counted",
        ylabel="Experiments declared winners",
        show=show,
    )


def portfolio_dashboard(seed: int, n_experiments: int = 1_000) -> viz.Dashboard:
    """How the share of ideas that really work changes the share of false wins."""

    def render(share_true_percent: float) -> PortfolioResult:
        result = portfolio_simulation(n_experiments, share_true_percent / 100, seed=seed)
        plot_portfolio(result)
        return result

    return viz.Dashboard(
        render,
        share_true_percent=_slider("Ideas that work (%)", 10, 2, 50, 2),
    )


def plot_cuped_factor(observed_rho: float, *, show: bool = True) -> None:
    """Share of the sample CUPED needs (1 − ρ²) against the pre-period correlation ρ."""
    rho = np.linspace(0, 0.95, 96)
    _fig, ax = viz.new_axes()
    ax.plot(rho, 1 - rho**2, color=viz.PALETTE[0], label="users needed with CUPED")
    ax.scatter(
        [abs(observed_rho)],
        [1 - observed_rho**2],
        color=viz.PALETTE[5],
        zorder=3,
        label=f"your revenue data (ρ = {observed_rho:.2f})",
    )
    ax.axhline(0.5, color="grey", ls=":", lw=1)
    ax.yaxis.set_major_formatter(viz.PERCENT)
    viz.finish(
        ax,
        title=f"At ρ = {observed_rho:.2f} CUPED needs {1 - observed_rho**2:.0%} of the users; "
        "ρ ≈ 0.71 halves it",
        xlabel="Correlation between pre-period and test-period metric (ρ)",
        ylabel="Share of users needed",
        show=show,
    )
