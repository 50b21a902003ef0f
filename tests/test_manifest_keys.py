"""Every manifest key is documented in the data dictionary (datasets/README.md, "Manifest keys").

A planted effect nobody can look up is a trap for the next maintainer: a key such as
``orders_per_converter_lift`` that really lifts *extra* orders reads as something else. The
dictionary lists every key path; ``<device>``-style placeholders stand for one key of a mapping
(a device, an experiment id, a product id), and ``.name`` continues the path before it in the
same cell.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pm_toolkit import data

ROOT = Path(__file__).resolve().parents[1]


def documented_patterns() -> list[str]:
    text = (ROOT / "datasets" / "README.md").read_text("utf-8")
    section = text.split("## Manifest keys", 1)[1].split("\n## ", 1)[0]
    patterns = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cell = line.split(" | ", 1)[0]
        last = ""
        for token in re.findall(r"`([^`]+)`", cell):
            if token.startswith("."):
                token = last.rsplit(".", 1)[0] + token
            patterns.append(token)
            last = token
    return patterns


def leaf_keys(value, prefix: str = ""):
    """Dotted paths of every leaf (a non-mapping value, or an empty/null mapping)."""
    if isinstance(value, dict) and value:
        for key, child in value.items():
            yield from leaf_keys(child, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix


def matches(pattern: str, key: str) -> bool:
    regex = "\\.".join(
        "[^.]+" if re.fullmatch(r"<[a-z_]+>", part) else re.escape(part)
        for part in pattern.split(".")
    )
    return re.fullmatch(regex, key) is not None


@pytest.fixture(scope="module")
def manifest() -> dict:
    return data.manifest(scale="tiny", seed=2026)


def test_every_manifest_key_is_in_the_data_dictionary(manifest):
    patterns = documented_patterns()
    missing = [k for k in leaf_keys(manifest) if not any(matches(p, k) for p in patterns)]
    assert not missing, f"document these manifest keys in datasets/README.md: {missing}"


def test_every_documented_key_exists(manifest):
    keys = list(leaf_keys(manifest))
    stale = [p for p in documented_patterns() if not any(matches(p, k) for k in keys)]
    assert not stale, f"these documented manifest keys no longer exist: {stale}"


def test_the_check_catches_an_undocumented_key(manifest):
    patterns = documented_patterns()
    extra = {**manifest, "clickstream": {**manifest["clickstream"], "mystery_lift": 0.2}}
    assert "clickstream.mystery_lift" in [
        k for k in leaf_keys(extra) if not any(matches(p, k) for p in patterns)
    ]


def test_a_key_that_lifts_extra_orders_says_so(manifest):
    exp = manifest["experiments"]["exp_06"]
    assert "relative_lift_in_extra_orders_per_converter" in exp
    assert "orders_per_converter_lift" not in exp
