"""A lesson's kernel loads only the libraries it uses (issue 18: memory per learner on a hub).

scipy.stats, statsmodels, scikit-learn and matplotlib each add 15 to 60 MiB to a kernel
(benchmarks/bench_memory.py); a package that imports them for one function multiplies that by
every learner on the machine. Each case runs in a fresh interpreter, so nothing imported by
another test hides a regression.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

HEAVY = ("scipy.stats", "statsmodels", "sklearn", "matplotlib")


def loaded_after(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; return {heavy module: loaded?} and its printout."""
    probe = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import json, sys
        print("LOADED", json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("LOADED"))
    return json.loads(line.split(" ", 1)[1])


@pytest.mark.parametrize(
    "code",
    [
        "import pm_toolkit.experiments",
        "from pm_toolkit.experiments import proportion_test, sample_size, srm_test",
        "from pm_toolkit import collection; collection.rule_check",
    ],
)
def test_light_imports_leave_the_heavy_libraries_alone(code):
    loaded = loaded_after(code)
    assert not any(loaded.values()), f"{code!r} imported {[m for m, on in loaded.items() if on]}"


def test_rule_check_runs_without_scipy_stats():
    loaded = loaded_after(
        """
        import pandas as pd
        from pm_toolkit import collection
        n = 400
        orders = pd.DataFrame({
            "customer_id": range(n),
            "order_ts": pd.date_range("2025-10-01", periods=n, freq="h"),
            "net_value": [float(100 + 30 * (i % 40)) for i in range(n)],
            "status": ["rto" if i % 7 == 0 else "delivered" for i in range(n)],
            "payment_method": ["cod" if i % 2 else "upi" for i in range(n)],
        })
        found = collection.rule_check(orders, quantile=0.9)
        assert found.facts["flagged"] > 0, found
        """
    )
    assert not loaded["scipy.stats"] and not loaded["statsmodels"]


def test_lazy_experiments_names_all_resolve_to_the_right_objects():
    import importlib

    from pm_toolkit import experiments as ex
    from pm_toolkit.experiments import analysis, bayes, significance

    power = importlib.import_module("pm_toolkit.experiments.power")

    for name in ex.__all__:
        assert getattr(ex, name) is not None, name
    assert ex.proportion_test is significance.proportion_test
    assert ex.prob_b_beats_a is bayes.prob_b_beats_a
    assert ex.report is analysis.report
    # a module and a function share these names: the function must win, whatever was imported
    assert callable(ex.power) and ex.power is power.power
    assert callable(ex.cuped) and ex.cuped.__module__ == "pm_toolkit.experiments.cuped"
    assert set(ex.__all__) <= set(dir(ex))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ex.nope  # noqa: B018


def test_bench_memory_has_a_floor_for_every_library_its_probe_reports(tmp_path):
    """A notebook is compared with a floor of the same libraries: a library the probe can
    report but the floor cannot load would leave the benchmark without its baseline."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_memory.py"
    spec = importlib.util.spec_from_file_location("bench_memory", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    probed = tuple(bench.PROBED_LIBS)
    assert set(probed) <= set(bench.FLOOR_CELLS) - {"pandas"}
    assert "sklearn" in bench.PROBE and "PROBED_LIBS" not in bench.PROBE  # names filled in
    nb = bench.floor_notebook(probed, tmp_path / "floor.parquet")
    assert len(nb.cells) == len(probed) + 1 and str(tmp_path) in nb.cells[0].source
    for cell in nb.cells:  # IPython magics aside, each cell is Python
        compile(
            "\n".join(x for x in cell.source.splitlines() if not x.startswith("%")), "c", "exec"
        )
