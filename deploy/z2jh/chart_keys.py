"""List the value keys the Zero to JupyterHub chart documents, from its values.schema.yaml.

    python deploy/z2jh/chart_keys.py SCHEMA.yaml CHART_VERSION > deploy/z2jh/chart-keys.txt

The chart's schema (``jupyterhub/values.schema.yaml`` in jupyterhub/zero-to-jupyterhub-k8s)
is the reference its documentation is built from. Each line is a dotted key path; a path
ending in ``.*`` is a free-form mapping (``singleuser.extraEnv.*``: any variable name). The
test ``tests/test_hub_deploy.py`` checks every key of ``values.yaml`` against this list, so a
misspelt or moved key fails here instead of being ignored by Helm on the day of the workshop.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import yaml


def _open(node: dict[str, Any]) -> bool:
    """Whether a mapping accepts keys the schema does not name (a scalar never does)."""
    types = node.get("type")
    types = types if isinstance(types, list) else [types]
    if "object" not in types and not node.get("properties"):
        return bool(node.get("patternProperties") or node.get("additionalProperties"))
    extra = node.get("additionalProperties", True)
    return bool(node.get("patternProperties")) or extra is not False


def key_paths(node: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """Every documented key path under ``node`` (a schema object), depth first."""
    for name, child in sorted((node.get("properties") or {}).items()):
        path = f"{prefix}{name}"
        yield path
        if not isinstance(child, dict):
            continue
        if child.get("properties"):
            yield from key_paths(child, f"{path}.")
        if _open(child):
            yield f"{path}.*"


def main(argv: list[str]) -> int:
    schema_path, version = argv[1], argv[2]
    with open(schema_path, encoding="utf-8") as fh:
        schema = yaml.safe_load(fh)
    print(f"# Zero to JupyterHub chart {version}: documented value keys (values.schema.yaml)")
    print("# regenerate: python deploy/z2jh/chart_keys.py SCHEMA.yaml VERSION > chart-keys.txt")
    for path in key_paths(schema):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
