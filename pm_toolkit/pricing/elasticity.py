"""How much do units fall when the price rises 1 %? Estimating price elasticity, and its trap.

``estimate_elasticity`` fits the log-log regression ``log Q = a − ε·log p (+ controls)``; the
slope is the elasticity. On *observational* prices it is biased: sellers raise prices exactly
when demand is strong, so high prices and high sales show up together and the curve looks
flatter than it is. On *randomised* prices (a price test) the same regression is unbiased.

``ols_elasticity_plim`` gives the size of that bias in closed form. With
``log Q = a − ε·log p + u`` and ``log p = g + γ·u + v``::

    plim ε̂ = ε − γ·σu² / (γ²·σu² + σv²)

>>> ols_elasticity_plim(elasticity=2.0, gamma=1.0, sigma_u=1.0, sigma_v=1.0)
1.5
>>> ols_elasticity_plim(elasticity=2.0, gamma=0.0, sigma_u=1.0, sigma_v=1.0)  # randomised
2.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats

from pm_toolkit.pricing._random import rng_for

__all__ = [
    "ElasticityEstimate",
    "estimate_elasticity",
    "ols_elasticity_plim",
    "simulate_endogenous_prices",
]


@dataclass(frozen=True)
class ElasticityEstimate:
    """An elasticity (as a positive magnitude: 2.0 means "1 % dearer, 2 % fewer units") with CI."""

    elasticity: float
    std_error: float
    ci_low: float
    ci_high: float
    confidence: float
    n_obs: int
    n_groups: int
    label: str = ""

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return (
            f"ElasticityEstimate({name}ε = {self.elasticity:.3f}, "
            f"{self.confidence:.0%} CI [{self.ci_low:.3f}, {self.ci_high:.3f}], "
            f"n = {self.n_obs:,})"
        )

    def _repr_html_(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return (
            f"<p>{name}<b>elasticity ≈ {self.elasticity:.2f}</b> "
            f"({self.confidence:.0%} CI {self.ci_low:.2f} to {self.ci_high:.2f}; "
            f"{self.n_obs:,} rows, {self.n_groups} product(s)). "
            f"A 1 % price rise loses about {self.elasticity:.1f} % of units.</p>"
        )

    def covers(self, value: float) -> bool:
        """True when ``value`` lies inside the confidence interval."""
        return self.ci_low <= value <= self.ci_high


def _controls(controls: pd.DataFrame | np.ndarray, n_rows: int) -> np.ndarray:
    """The control regressors as a 2-D float array with one row per price."""
    c = np.asarray(controls, dtype=float)
    c = c[:, None] if c.ndim == 1 else c
    if c.shape[0] != n_rows:
        raise ValueError(
            f"controls must have one row per price: {n_rows} prices but {c.shape[0]} rows"
        )
    return c


def _group_codes(groups: Sequence | pd.Series | np.ndarray) -> tuple[np.ndarray, int]:
    """Each row's group as a code 0..G−1 (sorted by group), and G."""
    codes, uniques = pd.factorize(pd.Series(groups).to_numpy(), sort=True)
    return codes, len(uniques)


def _demean(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Subtract each group's mean: the 'within' transform, equal to adding product dummies."""
    counts = np.bincount(codes, minlength=n_groups).astype(float)
    if values.ndim == 1:
        means = np.bincount(codes, weights=values, minlength=n_groups) / counts
        return values - means[codes]
    out = np.empty_like(values)
    for j in range(values.shape[1]):
        means = np.bincount(codes, weights=values[:, j], minlength=n_groups) / counts
        out[:, j] = values[:, j] - means[codes]
    return out


def estimate_elasticity(
    prices: Sequence[float] | pd.Series | np.ndarray,
    quantities: Sequence[float] | pd.Series | np.ndarray,
    *,
    groups: Sequence | pd.Series | np.ndarray | None = None,
    controls: pd.DataFrame | np.ndarray | None = None,
    confidence: float = 0.95,
    method: str = "ols",
    label: str = "",
) -> ElasticityEstimate:
    """Log-log elasticity with a confidence interval, by OLS (default) or Poisson regression.

    ``method="ols"``: ``log Q = a − ε·log p`` by least squares (statsmodels OLS, classical
    errors); every quantity must be positive. ``method="poisson"``: the same curve,
    ``log E[Q] = a − ε·log p``, fitted by Poisson regression (statsmodels GLM, robust HC1
    errors), which keeps the hours that sold nothing instead of dropping them.
    ``groups`` (e.g. ``product_id``) adds a fixed effect per group, so each product is compared
    with itself at different prices rather than cheap products with dear ones. ``controls``
    (e.g. hour-of-day dummies) enter as extra regressors.

    >>> p = np.array([100.0, 110, 120, 130])
    >>> round(estimate_elasticity(p, 1e6 * p**-2.0).elasticity, 6)
    2.0
    """
    p = np.asarray(prices, dtype=float)
    q = np.asarray(quantities, dtype=float)
    if p.shape != q.shape or p.ndim != 1:
        raise ValueError("prices and quantities must be two columns of the same length")
    if p.size < 3:
        raise ValueError(f"need at least 3 rows to estimate an elasticity; got {p.size}")
    if np.any(~np.isfinite(p)) or np.any(p <= 0):
        raise ValueError("every price must be a positive number (₹); remove rows with no price")
    if method not in ("ols", "poisson"):
        raise ValueError(f"method must be 'ols' or 'poisson'; got {method!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, e.g. 0.95; got {confidence}")
    x = np.log(p)[:, None]
    if controls is not None:
        x = np.hstack([x, _controls(controls, p.size)])
    codes, n_groups = (None, 1) if groups is None else _group_codes(groups)
    if method == "poisson":
        if np.any(~np.isfinite(q)) or np.any(q < 0):
            raise ValueError("quantities must be counts ≥ 0 for Poisson regression")
        return _poisson(x, q, codes, n_groups, confidence, label)
    if np.any(~np.isfinite(q)) or np.any(q <= 0):
        raise ValueError(
            "log-log regression needs positive quantities; hours with 0 units cannot be logged. "
            "Sum units to a coarser level (e.g. product × day × price) or drop zero rows knowingly."
        )
    import statsmodels.api as sm  # imported here: it is slow to import and only OLS needs it

    y = np.log(q)
    if codes is not None:
        y = _demean(y, codes, n_groups)
        x = _demean(x, codes, n_groups)
        fit = sm.OLS(y, x).fit()
        # The within transform hides the group means from statsmodels: fix the residual
        # degrees of freedom so the standard errors equal those of the dummy regression.
        dof = p.size - x.shape[1] - n_groups
        if dof <= 0:
            raise ValueError("too few rows for the number of products; drop the fixed effects")
        scale = fit.ssr / dof
        se = math.sqrt(scale * np.linalg.inv(x.T @ x)[0, 0])
        slope = float(fit.params[0])
    else:
        fit = sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()
        dof = int(fit.df_resid)
        slope, se = float(fit.params[1]), float(fit.bse[1])
    t = stats.t.ppf(0.5 + confidence / 2, dof)
    eps = -slope
    return ElasticityEstimate(
        elasticity=eps,
        std_error=se,
        ci_low=eps - t * se,
        ci_high=eps + t * se,
        confidence=confidence,
        n_obs=int(p.size),
        n_groups=n_groups,
        label=label,
    )


def _poisson_irls(
    y: np.ndarray, x: np.ndarray | sparse.spmatrix, tol: float = 1e-12
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson regression by iteratively reweighted least squares, with robust (sandwich) errors.

    The same estimates as ``statsmodels.GLM(..., family=Poisson()).fit(cov_type="HC1")`` (the
    tests check), on a sparse design: fixed effects are 0/1 columns, and sparse products stay
    single-threaded, which keeps the fit fast on a busy shared machine (threaded dense BLAS
    slowed it 20-fold there).
    """
    x = sparse.csr_matrix(x)
    xt = x.T.tocsr()
    mu = (y + y.mean()) / 2.0
    eta = np.log(mu)
    beta = np.zeros(x.shape[1])
    ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
    deviance = np.inf
    # Stop on the deviance, as statsmodels does: an hour that never sells pushes its own
    # coefficient towards −∞ forever, while the fit (and the price slope) has long settled.
    for _ in range(100):
        z = eta + (y - mu) / mu
        xtw = xt.multiply(mu[None, :]).tocsr()
        beta = np.linalg.solve((xtw @ x).toarray(), xtw @ z)
        eta = np.clip(x @ beta, -700, 700)
        mu = np.exp(eta)
        new_dev = 2.0 * np.sum(ylogy - y * eta - (y - mu))
        if abs(deviance - new_dev) <= tol * (abs(new_dev) + 0.1):
            break
        deviance = new_dev
    else:
        raise ValueError("the Poisson fit did not converge; check for products that never sell")
    bread = np.linalg.inv((xt.multiply(mu[None, :]).tocsr() @ x).toarray())
    resid = y - mu
    meat = (xt.multiply((resid**2)[None, :]).tocsr() @ x).toarray()
    cov = bread @ meat @ bread  # the sandwich, as statsmodels' GLM computes it
    return beta, np.sqrt(np.diag(cov))


def _poisson(
    x: np.ndarray,
    q: np.ndarray,
    codes: np.ndarray | None,
    n_groups: int,
    confidence: float,
    label: str,
) -> ElasticityEstimate:
    """Poisson fit of ``q`` on ``x`` (log price first, then controls) plus one intercept per group."""
    n = q.size
    if codes is None:
        intercepts = sparse.csr_matrix(np.ones((n, 1)))
    else:  # one intercept per group (no shared constant), as a sparse 0/1 block
        intercepts = sparse.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, n_groups))
    x = sparse.hstack([sparse.csr_matrix(x), intercepts], format="csr")
    beta, se_all = _poisson_irls(q, x)
    slope, se = float(beta[0]), float(se_all[0])
    z = stats.norm.ppf(0.5 + confidence / 2)
    return ElasticityEstimate(
        elasticity=-slope,
        std_error=se,
        ci_low=-slope - z * se,
        ci_high=-slope + z * se,
        confidence=confidence,
        n_obs=int(n),
        n_groups=n_groups,
        label=label,
    )


def ols_elasticity_plim(elasticity: float, gamma: float, sigma_u: float, sigma_v: float) -> float:
    """Where the naive log-log estimate ends up with endless data, when prices chase demand.

    ``gamma`` is how strongly the price reacts to the demand shock ``u`` (0 = randomised
    prices); ``sigma_v`` is the price variation unrelated to demand. Returns the estimated
    elasticity *magnitude* ``ε − γσu²/(γ²σu² + σv²)``.

    >>> ols_elasticity_plim(2.0, gamma=1.0, sigma_u=1.0, sigma_v=3.0)
    1.9
    """
    denom = gamma**2 * sigma_u**2 + sigma_v**2
    if denom <= 0:
        raise ValueError("prices do not vary at all (γ·σu = σv = 0): nothing to estimate from")
    return float(elasticity - gamma * sigma_u**2 / denom)


def simulate_endogenous_prices(
    n: int,
    *,
    elasticity: float,
    gamma: float,
    sigma_u: float = 0.3,
    sigma_v: float = 0.3,
    seed: int = 0,
) -> pd.DataFrame:
    """Draw ``n`` (price, units) rows from the endogeneity model above, reproducibly.

    ``log p = log 500 + γ·u + v`` and ``log Q = log 40 − ε·(log p − log 500) + u``.

    >>> df = simulate_endogenous_prices(5, elasticity=2.0, gamma=1.0, seed=1)
    >>> list(df.columns)
    ['price', 'units']
    """
    rng = rng_for(seed, 1)
    u = rng.normal(0.0, sigma_u, n)
    v = rng.normal(0.0, sigma_v, n)
    log_p = math.log(500.0) + gamma * u + v
    log_q = math.log(40.0) - elasticity * (log_p - math.log(500.0)) + u
    return pd.DataFrame({"price": np.exp(log_p), "units": np.exp(log_q)})
