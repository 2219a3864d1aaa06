"""Call the map's Dash callbacks over HTTP as the browser's renderer does, without a browser.

``callback_body`` builds the JSON body of ``POST /_dash-update-component`` from the
callback's entry in ``/_dash-dependencies`` and the values of its inputs and states,
so the load benchmark and the deployment tests send the requests a real page sends.
"""

from __future__ import annotations

import json
from typing import Any


def find(dependencies: list[dict[str, Any]], *outputs: str) -> dict[str, Any]:
    """The dependency entry whose output names every one of ``outputs`` (``"id.property"``); KeyError if none."""
    for dep in dependencies:
        named = _outputs(dep["output"])
        names = {f"{o['id']}.{o['property']}" for o in (named if isinstance(named, list) else [named])}
        if all(o in names for o in outputs):  # whole names: "download.data" is not "snapshot-download.data"
            return dep
    raise KeyError(f"no callback with outputs {outputs} in /_dash-dependencies")


def _outputs(output: str) -> list[dict[str, str]] | dict[str, str]:
    """``"..a.b...c.d.."`` (several outputs) or ``"a.b"`` as Dash's ``outputs`` field."""

    def one(text: str) -> dict[str, str]:
        ident, prop = text.rsplit(".", 1)
        return {"id": ident, "property": prop.split("@", 1)[0]}

    if output.startswith(".."):
        return [one(part) for part in output[2:-2].split("...")]
    return one(output)


def _item(spec: dict[str, str], values: dict[str, Any]) -> Any:
    key = f"{spec['id']}.{spec['property']}"
    if spec["id"].startswith("{"):  # a pattern (ALL): a list of concrete components
        return [
            {"id": ident, "property": spec["property"], "value": value}
            for ident, value in values.get(key, [])  # [(id dict, value), ...]
        ]
    return {"id": spec["id"], "property": spec["property"], "value": values.get(key)}


def callback_body(dep: dict[str, Any], values: dict[str, Any], changed: list[str]) -> dict[str, Any]:
    """The request body for the callback ``dep`` with ``values`` by ``"id.property"``, ``changed`` the triggers.

    For a pattern-matching input (``{"type": ..., "layer": ["ALL"]}``) the value is a
    list of ``(id dict, value)`` pairs, one per component on the page.
    """
    return {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": [_item(spec, values) for spec in dep["inputs"]],
        "state": [_item(spec, values) for spec in dep["state"]],
        "changedPropIds": changed,
    }


def response_values(body: bytes) -> dict[str, dict[str, Any]]:
    """The ``{component id: {property: value}}`` of a callback response."""
    return dict(json.loads(body)["response"])
