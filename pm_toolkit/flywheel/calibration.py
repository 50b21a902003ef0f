"""Calibration honesty: the one public series we can line the model up against.

No public, calibrated model of a marketplace flywheel exists; the only public series we
line the model up against is the third-party (3P) share of Amazon's physical sales,
1999-2018 (Amazon's 2018 shareholder letter). :func:`fit_third_party_share` moves only the
seller knobs in :data:`CALIBRATED`; everything else stays an assumption [A].
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from pm_toolkit.flywheel._format import _html_table
from pm_toolkit.flywheel.model import FlywheelParams, simulate

#: Third-party sellers' share of Amazon's physical gross merchandise sales, in %, 1999-2018.
#: Source [S]: Jeff Bezos, 2018 letter to Amazon shareholders (published April 2019).
_THIRD_PARTY_SHARE_PCT = (3, 3, 6, 17, 22, 25, 28, 28, 29, 30,
                          31, 34, 38, 42, 46, 49, 51, 54, 56, 58)  # fmt: skip
THIRD_PARTY_SOURCE = "Amazon 2018 letter to shareholders (3P share of physical gross sales)"


def third_party_share_history() -> pd.DataFrame:
    """Amazon's 3P share of physical sales by year [S], as ``year`` and ``share`` (fraction).

    >>> h = third_party_share_history()
    >>> (int(h["year"].iloc[0]), float(h["share"].iloc[-1]))
    (1999, 0.58)
    """
    years = np.arange(1999, 1999 + len(_THIRD_PARTY_SHARE_PCT))
    return pd.DataFrame({"year": years, "share": np.array(_THIRD_PARTY_SHARE_PCT) / 100})


#: Parameters :func:`fit_third_party_share` is allowed to move, with their bounds.
CALIBRATED: dict[str, tuple[float, float]] = {
    "initial_sellers": (10.0, 20_000.0),
    "seller_innovation": (1e-8, 0.01),
    "seller_imitation": (1e-6, 0.2),
    "seller_exit": (1e-5, 0.05),
}


def yearly_third_party_share(frame: pd.DataFrame, first_year: int = 1999) -> pd.DataFrame:
    """Average the weekly 3P share of selection into calendar years (52 weeks each)."""
    year = first_year + frame["period"] // 52
    out = frame.groupby(year)["third_party_share"].mean().rename("share").reset_index()
    return out.rename(columns={"period": "year"})


@dataclass(frozen=True)
class Calibration:
    """The model's 3P share lined up against Amazon's, after fitting only the seller knobs.

    ``fitted`` holds the values found for :data:`CALIBRATED`; everything else in ``params`` is
    still an illustrative assumption [A]. ``rmse`` is in percentage points.
    """

    params: FlywheelParams = field(repr=False)
    fitted: dict[str, float]
    rmse: float
    comparison: pd.DataFrame = field(repr=False)

    def _repr_html_(self) -> str:
        rows = [(k, f"{v:,.5g}") for k, v in self.fitted.items()]
        rows.append(("error (RMSE, percentage points)", f"{self.rmse:.1f}"))
        return _html_table(rows, "Fitted to Amazon's 3P share [S]; all other knobs [A]")


def fit_third_party_share(
    params: FlywheelParams | None = None, target: pd.DataFrame | None = None
) -> Calibration:
    """Fit the seller knobs in :data:`CALIBRATED` so the model's yearly 3P share of selection
    tracks Amazon's 1999-2018 series (least squares on the yearly shares, bounded, in log space).

    Matching one S-curve with a few knobs proves little; the point is to show which parts of the
    model are anchored to a public number (the 3P share path) and which are not (everything else).
    ``target`` (columns ``year``, ``share``) replaces Amazon's series, e.g. to test the fitter.
    """
    from scipy.optimize import least_squares  # heavy import, only when calibrating

    base = params if params is not None else FlywheelParams()
    hist = third_party_share_history() if target is None else target.reset_index(drop=True)
    periods = 52 * len(hist)
    first = int(hist["year"].iloc[0])
    names = list(CALIBRATED)
    lo = np.log([CALIBRATED[n][0] for n in names])
    hi = np.log([CALIBRATED[n][1] for n in names])

    def model(x: np.ndarray) -> FlywheelParams:
        values = dict(zip(names, np.exp(x), strict=True))
        values["initial_sellers"] = min(values["initial_sellers"], base.max_sellers)
        return replace(base, **values)

    def residuals(x: np.ndarray) -> np.ndarray:
        yearly = yearly_third_party_share(simulate(model(x), periods), first)
        return yearly["share"].to_numpy() - hist["share"].to_numpy()

    x0 = np.clip(np.log([getattr(base, n) for n in names]), lo + 1e-9, hi - 1e-9)
    fit = least_squares(residuals, x0, bounds=(lo, hi), x_scale=1.0, diff_step=1e-3)
    fitted = model(fit.x)
    yearly = yearly_third_party_share(simulate(fitted, periods), first)
    comparison = hist.rename(columns={"share": "observed"}).assign(model=yearly["share"].to_numpy())
    rmse = 100 * float(np.sqrt(np.mean((comparison["model"] - comparison["observed"]) ** 2)))
    return Calibration(fitted, {n: float(getattr(fitted, n)) for n in names}, rmse, comparison)
