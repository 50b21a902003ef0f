"""The lesson-7 charts, in the course style. Each draws, titles itself with the finding,
shows the figure and returns ``None``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pm_toolkit import viz


def plot_threshold_costs(table: pd.DataFrame, *, show: bool = True) -> None:
    """Saving against blocking nobody (₹) at each threshold, with recall and precision."""
    _fig, ax = viz.new_axes(1, 2, figsize=(11, 3.6))
    best = table.loc[table["saving"].idxmax()]
    ax[0].plot(table["threshold"], table["saving"], "o-", color=viz.PALETTE[0])
    ax[0].axhline(0, color="black", linewidth=0.8)
    ax[0].axvline(best["threshold"], color=viz.PALETTE[5], linestyle=":")
    ax[0].yaxis.set_major_formatter(viz.RUPEES)
    ax[0].set_title(f"Cheapest at {best['threshold']:.2f}", loc="left")
    ax[0].set_xlabel("threshold (flag orders scoring at least this)")
    ax[0].set_ylabel("₹ saved vs blocking nobody")
    ax[1].plot(table["threshold"], table["recall"], "o-", label="recall (RTOs caught)")
    ax[1].plot(table["threshold"], table["precision"], "s-", label="precision (flags right)")
    ax[1].yaxis.set_major_formatter(viz.PERCENT)
    viz.finish(
        ax[1],
        title="Recall and precision by threshold",
        xlabel="threshold",
        ylabel="share",
        show=show,
    )


def plot_calibration(table: pd.DataFrame, *, show: bool = True) -> None:
    """Predicted against observed RTO rate per score group; the diagonal is perfect."""
    _fig, ax = viz.new_axes(figsize=(5.5, 4.2))
    top = max(table["predicted"].max(), table["observed"].max()) * 1.05
    ax.plot([0, top], [0, top], color="black", linewidth=0.8, label="perfectly calibrated")
    ax.plot(table["predicted"], table["observed"], "o-", label="model")
    ax.xaxis.set_major_formatter(viz.PERCENT)
    ax.yaxis.set_major_formatter(viz.PERCENT)
    gap = float(np.abs(table["predicted"] - table["observed"]).max())
    viz.finish(
        ax,
        title=f"Scores match reality within {100 * gap:.0f} points",
        xlabel="predicted chance of RTO",
        ylabel="share that came back",
        show=show,
    )


def plot_learning_curves(curves: dict[str, pd.DataFrame], *, show: bool = True) -> None:
    """Training (dashed) and test (solid) ROC-AUC as the training window grows, per model."""
    _fig, ax = viz.new_axes()
    for i, (name, c) in enumerate(curves.items()):
        colour = viz.PALETTE[i]
        ax.plot(c["training_rows"], c["train_auc"], "--", color=colour, label=f"{name}: train")
        ax.plot(c["training_rows"], c["test_auc"], "o-", color=colour, label=f"{name}: test")
    viz.finish(
        ax,
        title="A wide train–test gap is memorising, not learning",
        xlabel="training orders",
        ylabel="ROC-AUC",
        show=show,
    )


def plot_uplift(uplift: pd.DataFrame, *, show: bool = True) -> None:
    """Incremental margin per visitor with 95 % intervals, per segment and offer."""
    _fig, ax = viz.new_axes(figsize=(8, 4.2))
    offers = sorted(uplift["offer"].unique())
    segments = sorted(uplift["segment"].unique())
    width = 0.8 / len(offers)
    for i, o in enumerate(offers):
        part = uplift[uplift["offer"] == o].set_index("segment").reindex(segments)
        x = np.arange(len(segments)) + i * width
        err = [
            part["incremental_margin"] - part["ci_low"],
            part["ci_high"] - part["incremental_margin"],
        ]
        ax.bar(x, part["incremental_margin"], width, yerr=err, capsize=3, label=o)
    ax.set_xticks(np.arange(len(segments)) + width * (len(offers) - 1) / 2, segments)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(viz.RUPEES)
    best = uplift.loc[uplift.groupby("segment")["incremental_margin"].idxmax()]
    losing = int((best["incremental_margin"] <= 0).sum())
    offers_won = best.loc[best["incremental_margin"] > 0, "offer"].nunique()
    viz.finish(
        ax,
        title=f"{offers_won} different offers win a segment; "
        + (f"{losing} segment{'s are' if losing != 1 else ' is'} best with no offer"),
        xlabel="CRM segment",
        ylabel="₹ margin per visitor vs no offer",
        show=show,
    )


def plot_k_choice(table: pd.DataFrame, *, show: bool = True) -> None:
    """Elbow (inertia) and silhouette against k."""
    _fig, ax = viz.new_axes(1, 2, figsize=(11, 3.6))
    ax[0].plot(table["k"], table["inertia"], "o-")
    ax[0].set_title("Elbow: spread left inside clusters", loc="left")
    ax[0].set_xlabel("k (number of clusters)")
    ax[0].set_ylabel("inertia")
    best = int(table.loc[table["silhouette"].idxmax(), "k"])
    ax[1].plot(table["k"], table["silhouette"], "o-", color=viz.PALETTE[1])
    ax[1].axvline(best, color=viz.PALETTE[5], linestyle=":")
    viz.finish(
        ax[1], title=f"Silhouette peaks at k = {best}", xlabel="k", ylabel="silhouette", show=show
    )


def plot_bot(table: pd.DataFrame, *, show: bool = True) -> None:
    """Deflection and misroutes against the confidence cut-off, and cost per 1,000 contacts."""
    _fig, ax = viz.new_axes(1, 2, figsize=(11, 3.6))
    ax[0].plot(table["cutoff"], table["deflection"], "o-", label="answered by the bot")
    ax[0].plot(table["cutoff"], table["misroute_rate"], "s-", label="of those, misrouted")
    ax[0].yaxis.set_major_formatter(viz.PERCENT)
    ax[0].legend(frameon=False)
    ax[0].set_title("Answered and misrouted, by cut-off", loc="left")
    ax[0].set_xlabel("confidence cut-off")
    best = table.loc[table["cost_per_1000"].idxmin()]
    ax[1].plot(table["cutoff"], table["cost_per_1000"], "o-", color=viz.PALETTE[2])
    ax[1].axvline(best["cutoff"], color=viz.PALETTE[5], linestyle=":")
    ax[1].yaxis.set_major_formatter(viz.RUPEES)
    viz.finish(
        ax[1],
        title=f"Cheapest at a cut-off of {best['cutoff']:.2f}",
        xlabel="confidence cut-off",
        ylabel="₹ per 1,000 contacts",
        show=show,
    )


def plot_voice(priority: pd.DataFrame, *, show: bool = True) -> None:
    """WER today by group, and the value of more data (traffic × last gain)."""
    _fig, ax = viz.new_axes(1, 2, figsize=(11, 4.2))
    labels = priority["language"] + "/" + priority["accent_group"]
    by_wer = priority.assign(label=labels).sort_values("wer_v2")
    ax[0].barh(by_wer["label"], by_wer["wer_v2"], color=viz.PALETTE[4])
    ax[0].xaxis.set_major_formatter(viz.PERCENT)
    ax[0].set_title("Word error rate today", loc="left")
    by_val = priority.assign(label=labels).sort_values("value")
    ax[1].barh(by_val["label"], by_val["value"], color=viz.PALETTE[2])
    top = by_val.iloc[-1]["label"]
    viz.finish(
        ax[1],
        title=f"More data pays most for {top}",
        xlabel="word errors avoided per 100 voice words",
        show=show,
    )


def threshold_explorer(y, score, costs):
    """A dashboard: move the threshold and the two costs, read the confusion matrix in ₹.
    Its render returns the :class:`~pm_toolkit.ml.evaluate.Confusion` (``dash.result``)."""
    import ipywidgets as w
    from IPython.display import Markdown, display

    from pm_toolkit.ml.evaluate import CostMatrix, at_threshold, describe_confusion

    def render(threshold: float, rto_cost: int, refusal_cost: int):
        c = at_threshold(y, score, threshold)
        cm = CostMatrix(false_negative=float(rto_cost), false_positive=float(refusal_cost))
        display(Markdown(describe_confusion(c, cm)))
        return c

    return viz.Dashboard(
        render,
        threshold=w.FloatSlider(value=0.35, min=0.05, max=0.95, step=0.05, description="threshold"),
        rto_cost=w.IntSlider(value=int(costs.false_negative), min=50, max=500, step=10,
                             description="₹ per RTO"),
        refusal_cost=w.IntSlider(value=int(costs.false_positive), min=10, max=400, step=10,
                                 description="₹ per refusal"),
    )  # fmt: skip
