"""The Bazaar data world at tiny scale: interface, integrity, dictionary, bad input, dirt counts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pm_toolkit import data

CONTRACT = {  # docs/architecture.md: columns other modules rely on
    "customers": [
        "customer_id",
        "name",
        "city",
        "state",
        "pin_code",
        "city_tier",
        "signup_date",
        "acquisition_channel",
        "preferred_device",
        "segment",
        "is_member",
    ],
    "products": [
        "product_id",
        "category",
        "brand",
        "mrp",
        "list_price",
        "unit_cost",
        "rating",
        "elasticity",
    ],
    "sessions": [
        "session_id",
        "customer_id",
        "start_ts",
        "device",
        "channel",
        "city_tier",
        "landing_page",
        "page_load_ms",
    ],
    "events": [
        "event_id",
        "session_id",
        "customer_id",
        "ts",
        "event_type",
        "product_id",
        "price",
        "order_id",
    ],
    "orders": [
        "order_id",
        "customer_id",
        "session_id",
        "order_ts",
        "payment_method",
        "gross_value",
        "discount",
        "net_value",
        "status",
    ],
    "order_items": ["order_id", "product_id", "quantity", "unit_price", "discount"],
    "experiments": [
        "experiment_id",
        "name",
        "hypothesis",
        "primary_metric",
        "guardrail_metrics",
        "start_date",
        "end_date",
        "planned_split",
    ],
    "assignments": [
        "experiment_id",
        "customer_id",
        "variant",
        "day",
        "converted",
        "revenue",
        "pre_revenue",
        "page_load_ms",
        "returned",
    ],
    "pricing_panel": [
        "product_id",
        "hour_ts",
        "our_price",
        "competitor_price",
        "mrp",
        "unit_cost",
        "inventory",
        "demand_forecast",
        "views",
        "units_sold",
        "price_test",
    ],
    "inventory": ["product_id", "warehouse", "date", "on_hand"],
    "support_contacts": ["contact_id", "customer_id", "order_id", "ts", "reason", "channel"],
    # lesson 07 (pm_toolkit/data/ml_*.py; the full column lists are in tests/test_data_ml.py)
    "cod_orders": ["cod_order_id", "customer_id", "order_ts", "city_tier", "outcome"],
    "basket_items": ["basket_id", "customer_id", "order_ts", "product_id"],
    "promo_test": ["visitor_id", "segment", "offer", "converted", "gross_margin", "offer_cost"],
    "support_messages": ["message_id", "customer_id", "ts", "language", "text", "reason"],
    "asr_results": ["utterance_id", "model", "language", "accent_group", "ref_words"],
    # lesson 06 (pm_toolkit/data/demand.py)
    "demand_daily": [
        "date",
        "warehouse",
        "category",
        "units_demanded",
        "units_sold",
        "stock_start",
        "price_index",
        "promo",
        "rainfall_mm",
    ],
    "warehouses": [
        "warehouse",
        "region",
        "serves",
        "distance_km",
        "delivery_days",
        "ship_cost_per_unit",
    ],
}
SEED = 11
README = Path(__file__).resolve().parents[1] / "datasets" / "README.md"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny world in a private cache folder; yields a loader for its tables."""
    old = os.environ.get("PM_TOOLKIT_DATA_DIR")
    os.environ["PM_TOOLKIT_DATA_DIR"] = str(tmp_path_factory.mktemp("bazaar"))
    data.clear_memory_cache()
    try:
        data.ensure("tiny", SEED, progress=False)
        yield {t: data.load(t, scale="tiny", seed=SEED) for t in data.TABLES}
    finally:
        data.clear_memory_cache()
        if old is None:
            os.environ.pop("PM_TOOLKIT_DATA_DIR", None)
        else:
            os.environ["PM_TOOLKIT_DATA_DIR"] = old


def test_every_table_has_the_contracted_columns(tiny):
    assert set(data.TABLES) == set(CONTRACT)
    for table, cols in CONTRACT.items():
        missing = set(cols) - set(tiny[table].columns)
        assert not missing, f"{table} lacks {missing}"
        assert len(tiny[table]) > 0, table


def test_dictionary_describes_every_column(tiny):
    text = README.read_text(encoding="utf-8")
    for table, df in tiny.items():
        m = re.search(rf"^### `{table}`\n(.*?)(?=^### |\Z)", text, flags=re.M | re.S)
        assert m, f"datasets/README.md has no section for {table}"
        described = set(re.findall(r"^\| `([a-z_0-9]+)` \|", m.group(1), flags=re.M))
        undocumented = set(df.columns) - described
        assert not undocumented, f"{table}: columns missing from the dictionary: {undocumented}"
        stale = described - set(df.columns)
        assert not stale, f"{table}: dictionary describes columns that do not exist: {stale}"


def test_dictionary_marks_exactly_the_nullable_clickstream_columns(tmp_path):
    # the clickstream declares never-null columns required in Parquet; the dictionary's
    # "nullable" marks must say the same, or a reader would trust a wrong contract
    from pm_toolkit.data.clickstream import World, make_day
    from pm_toolkit.data.scales import PARTITIONED

    text = README.read_text(encoding="utf-8")
    part = make_day(World.build(SEED, "tiny"), 20)
    for table in PARTITIONED:
        m = re.search(rf"^### `{table}`\n(.*?)(?=^### |\Z)", text, flags=re.M | re.S)
        marked = set(re.findall(r"^\| `([a-z_0-9]+)` \| [^|]*nullable", m.group(1), flags=re.M))
        declared = {f.name for f in part.tables[table].schema if f.nullable}
        assert marked == declared, table


def test_types_money_and_time_conventions(tiny):
    ev = tiny["events"]
    assert str(ev["ts"].dt.tz) == "Asia/Kolkata"
    assert str(tiny["orders"]["order_ts"].dt.tz) == "Asia/Kolkata"
    # nullable ids stay integers (not float) whatever the seed
    assert str(ev["customer_id"].dtype) == "Int64"
    assert ev["customer_id"].isna().any()
    for col in ("gross_value", "discount", "net_value"):
        v = tiny["orders"][col].to_numpy()
        assert np.allclose(v, np.round(v, 2))
    codes = pd.concat(
        [tiny["sessions"]["device"], tiny["orders"]["payment_method"], tiny["products"]["category"]]
    )
    assert codes.str.fullmatch(r"[a-z][a-z0-9_]*").all()


def test_load_returns_an_independent_copy(tiny):
    df = data.load("orders", scale="tiny", seed=SEED)
    df["net_value"] = 0.0
    df.loc[df.index[0], "status"] = "mutated"
    again = data.load("orders", scale="tiny", seed=SEED)
    assert again["net_value"].sum() > 0 and "mutated" not in set(again["status"])


def test_sql_sees_every_table_by_name(tiny):
    for t in data.TABLES:
        n = data.sql(f"SELECT COUNT(*) AS n FROM {t}", scale="tiny", seed=SEED)["n"].iloc[0]
        assert n == len(tiny[t])
    out = data.sql(
        "SELECT o.status, COUNT(*) AS n FROM orders o JOIN customers c "
        "ON o.customer_id = c.customer_id GROUP BY o.status",
        scale="tiny",
        seed=SEED,
    )
    assert out["n"].sum() == len(tiny["orders"])
    ts = data.sql("SELECT MIN(ts) AS t FROM events", scale="tiny", seed=SEED)["t"]
    assert str(ts.dt.tz) == "Asia/Kolkata"


def test_sql_timeout_stops_a_runaway_query_and_keeps_the_connection(tiny):
    runaway = "SELECT COUNT(*) AS n FROM events a, events b, events c WHERE a.ts < b.ts"
    with pytest.raises(TimeoutError, match="was stopped"):
        data.sql(runaway, scale="tiny", seed=SEED, timeout=0.3)
    n = data.sql("SELECT COUNT(*) AS n FROM orders", scale="tiny", seed=SEED, timeout=30)["n"]
    assert n.iloc[0] == len(tiny["orders"])


def test_seed_none_means_the_current_learner(tiny, monkeypatch):
    from pm_toolkit.learner import seed_for

    monkeypatch.setenv("PM_TOOLKIT_LEARNER", "asha@example.in")
    assert data.folder("tiny").name == f"seed-{seed_for('asha@example.in')}"
    monkeypatch.setenv("PM_TOOLKIT_LEARNER", "default")
    assert data.folder("tiny").name == "seed-2026"


def test_foreign_keys_resolve(tiny):
    c, p = set(tiny["customers"].customer_id), set(tiny["products"].product_id)
    s, o = set(tiny["sessions"].session_id), set(tiny["orders"].order_id)
    ev = tiny["events"]
    assert set(tiny["sessions"].customer_id.dropna()) <= c
    assert set(ev.session_id) <= s
    assert set(ev.customer_id.dropna()) <= c
    assert set(ev.product_id.dropna()) <= p
    assert set(tiny["orders"].customer_id) <= c and set(tiny["orders"].session_id) <= s
    assert set(tiny["order_items"].order_id) == o
    assert set(tiny["order_items"].product_id) <= p
    assert set(tiny["assignments"].customer_id) <= c
    assert set(tiny["assignments"].experiment_id) == set(tiny["experiments"].experiment_id)
    assert set(tiny["pricing_panel"].product_id) <= p and set(tiny["inventory"].product_id) == p
    sc = tiny["support_contacts"]
    assert set(sc.customer_id) <= c and set(sc.order_id.dropna()) <= o
    assert tiny["customers"].customer_id.is_unique and tiny["orders"].order_id.is_unique
    assert ev.event_id.is_unique and tiny["sessions"].session_id.is_unique


def test_orders_link_to_purchase_events(tiny):
    ev, orders = tiny["events"], tiny["orders"]
    buys = ev[ev.event_type == "purchase"]
    assert buys.order_id.notna().all() and ev[ev.event_type != "purchase"].order_id.isna().all()
    assert sorted(buys.order_id.astype("int64")) == sorted(orders.order_id)
    m = orders.merge(buys[["order_id", "session_id", "ts"]], on="order_id", suffixes=("", "_e"))
    assert (m.session_id == m.session_id_e).all() and (m.order_ts == m.ts).all()
    sess_cust = tiny["sessions"].set_index("session_id").customer_id
    assert (sess_cust.loc[orders.session_id].to_numpy() == orders.customer_id.to_numpy()).all()


def test_money_adds_up(tiny):
    o, it = tiny["orders"], tiny["order_items"]
    line = (it.quantity * it.unit_price).groupby(it.order_id).sum()
    disc = it.discount.groupby(it.order_id).sum()
    o = o.set_index("order_id")
    assert np.allclose(line.loc[o.index], o.gross_value, atol=0.011)
    assert np.allclose(disc.loc[o.index], o.discount, atol=0.011)
    assert np.allclose(o.gross_value - o.discount, o.net_value, atol=0.011)
    assert (o.net_value > 0).all() and (o.discount >= 0).all()


def test_prices_respect_mrp_and_cost(tiny):
    p = tiny["products"]
    assert (p.list_price <= p.mrp).all() and (p.unit_cost < p.list_price).all()
    assert (p.list_price % 100 == 99).all(), "list prices are …99 price points"
    assert (p.elasticity > 0).all() and (p.elasticity < 1).any()
    pp = tiny["pricing_panel"]
    assert (pp.our_price <= pp.mrp).all() and (pp.our_price >= pp.unit_cost).all()
    assert (pp.units_sold <= pp.inventory).all()
    assert pp.price_test.any() and (~pp.price_test).any()


def test_timestamps_ordered_within_sessions(tiny):
    ev = tiny["events"].sort_values("event_id")
    assert (ev.groupby("session_id").ts.diff().dropna() >= pd.Timedelta(0)).all()
    first = ev.groupby("session_id").ts.min()
    start = tiny["sessions"].set_index("session_id").start_ts
    assert (first == start.loc[first.index]).all()
    assert (ev.ingested_ts >= ev.ts).all()
    # every human session opens with its landing page_view (bots jump straight to products)
    human = ev[
        ev.session_id.isin(tiny["sessions"].session_id[tiny["sessions"].customer_id.notna()])
    ]
    assert (human.groupby("session_id").event_type.first() == "page_view").all()


def test_customers_geography_is_consistent(tiny):
    from pm_toolkit.data.catalog import cities

    ref = {r["city"]: r for r in cities()}
    cu = tiny["customers"]
    for row in cu.drop_duplicates("city").itertuples():
        r = ref[row.city]
        assert row.state == r["state"] and row.city_tier == r["tier"]
    assert cu.pin_code.str.fullmatch(r"[1-8]\d{5}").all()
    prefix = cu.city.map({k: v["pin_prefix"] for k, v in ref.items()})
    assert (cu.pin_code.str[:3] == prefix).all()


def test_manifest_counts_the_planted_dirt_exactly(tiny):
    m = data.manifest("tiny", SEED)
    dirt = m["clickstream"]["realised"]["dirt_counts"]
    ev, ss = tiny["events"], tiny["sessions"]
    bots = set(ss.session_id[ss.customer_id.isna()])
    assert len(bots) == dirt["bot_sessions"] > 0
    assert ev.session_id.isin(bots).sum() == dirt["bot_events"]
    human = ev[~ev.session_id.isin(bots)]
    assert human.customer_id.isna().sum() == dirt["missing_customer_id_events"] > 0
    key = ["session_id", "event_type", "product_id", "ts"]
    assert ev.duplicated(key).sum() == dirt["duplicate_events"] > 0
    lag = ev.ingested_ts - ev.ts
    assert (lag > pd.Timedelta(days=3)).sum() == dirt["late_events_over_3d"] > 0
    assert not ev[ev.session_id.isin(bots)].event_type.isin(["purchase", "add_to_cart"]).any()
    assert m["seed"] == SEED and m["scale"] == "tiny" and m["generator_version"]
    assert {t: v["rows"] for t, v in m["tables"].items()} == {t: len(d) for t, d in tiny.items()}


def test_manifest_is_a_fresh_dict(tiny):
    m = data.manifest("tiny", SEED)
    m["seed"] = -1
    assert data.manifest("tiny", SEED)["seed"] == SEED


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: data.load("ordres", scale="tiny", seed=1), "unknown table 'ordres'; use one of:"),
        (lambda: data.load("orders", scale="huge", seed=1), "unknown scale 'huge'; use one of:"),
        (lambda: data.load("orders", scale="tiny", seed=-1), "seed must be a whole number >= 0"),
        (lambda: data.sql("", scale="tiny", seed=1), "query must be SQL text"),
        (lambda: data.generate_world(1, "tiny", "/tmp/x", fmt="xls"), "unknown format 'xls'"),
    ],
)
def test_bad_input_gives_one_line_errors(call, needle):
    with pytest.raises(ValueError) as err:
        call()
    msg = str(err.value)
    assert needle in msg and "\n" not in msg


def test_interrupted_generation_leaves_no_cache(tmp_path, monkeypatch):
    import pm_toolkit.data.generate as gen

    monkeypatch.setenv("PM_TOOLKIT_DATA_DIR", str(tmp_path))
    data.clear_memory_cache()

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(gen, "inventory_parts", boom)  # dies after most tables are written
    with pytest.raises(KeyboardInterrupt):
        data.ensure("tiny", 5, progress=False)
    assert not data.folder("tiny", 5).exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    monkeypatch.undo()
    monkeypatch.setenv("PM_TOOLKIT_DATA_DIR", str(tmp_path))
    # a folder without a valid manifest is never trusted: it is regenerated
    half = data.folder("tiny", 5)
    half.mkdir(parents=True)
    (half / "orders.parquet").write_bytes(b"not parquet")
    assert len(data.load("orders", scale="tiny", seed=5)) > 0
    data.clear_memory_cache()


def test_cli_generate_describe_and_errors(tmp_path, monkeypatch, capsys):
    from pm_toolkit.cli import main

    monkeypatch.setenv("PM_TOOLKIT_DATA_DIR", str(tmp_path / "cache"))
    out = tmp_path / "csv"
    assert (
        main(
            [
                "data",
                "generate",
                "--scale",
                "tiny",
                "--seed",
                "3",
                "--out",
                str(out),
                "--format",
                "csv",
                "--no-progress",
            ]
        )
        == 0
    )
    assert {p.name for p in out.iterdir()} == {f"{t}.csv" for t in data.TABLES} | {"manifest.json"}
    head = (out / "events.csv").read_text(encoding="utf-8").splitlines()[1]
    assert "+0530" in head
    assert main(["data", "describe", "--scale", "tiny", "--seed", "3"]) == 0
    text = capsys.readouterr().out
    assert "events:" in text and str(tmp_path / "cache") in text
    cases = [
        (["--scale", "huge"], "unknown scale 'huge'; use one of: tiny, small"),
        (["--seed", "-2"], "seed must be a whole number >= 0"),
        (["--format", "xls"], "unknown format 'xls'; use one of: parquet, csv"),
        (["--out", str(out)], "is not an empty folder"),
        (["--out", "/proc/bazaar"], "cannot write to /proc"),
    ]
    for extra, needle in cases:
        args = [
            "data",
            "generate",
            "--scale",
            "tiny",
            "--seed",
            "1",
            "--out",
            str(tmp_path / "new"),
            *extra,
        ]
        assert main(args) == 2
        err = capsys.readouterr().err.strip()
        assert needle in err and "\n" not in err
