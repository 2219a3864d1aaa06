"""What a ``/_dash-update-component`` request must be before Dash runs a callback for it.

Dash's renderer sends a JSON object naming the callback by its ``output`` and listing the ``inputs``,
``state`` and ``outputs`` as the callback declared them, each input with the ``value`` its component
holds. Dash itself trusts that shape: an unknown output was a ``KeyError`` (500), a short list an
``IndexError``, a number where the component only ever holds text a ``TypeError`` deep in a callback.
``check`` refuses all of these before Dash dispatches (``Refused``, a 400 with the reason):

- the body is a JSON object whose ``output`` is a declared callback's;
- its inputs, state and outputs match that callback's declaration one to one (ids, pattern-matching
  ids with their fixed keys, properties);
- every value has a type its component's property can hold, as the component class declares it
  (``dcc.Location.search`` is text, ``n_clicks`` a number);
- what the class leaves open has the shape the page declares (``app.web.shapes``): a store's data, a
  pattern-matching id's wildcard keys (a unit's code, a layer's id), a map feature's ``properties``.
"""

from __future__ import annotations

import functools
import inspect
import json
import numbers
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from app import web
from app.messages import shown

#: Properties whose type is known better than their component class declares it: dash-leaflet's feature
#: events (a GeoJSON feature, an object) are untyped or a loose shape there.
KNOWN_TYPES = {"hoverData": dict | None, "clickData": dict | None}
#: JSON scalars a pattern-matching id's wildcard key may take.
_SCALARS = (str, int, float, bool)


class Refused(Exception):
    """A request refused with ``status`` and a short ``message``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _prop(name: Any) -> Any:
    """A property's name without the ``@<hash>`` Dash appends to an output shared by callbacks (``allow_duplicate``)."""
    return name.split("@", 1)[0] if isinstance(name, str) else name


def _pattern(spec_id: str) -> dict[str, Any] | None:
    """A pattern-matching id's dict (wildcards as ``["ALL"]``), or None for a plain id."""
    if not spec_id.startswith("{"):
        return None
    parsed = json.loads(spec_id)
    return parsed if isinstance(parsed, dict) else None


def _matches(sent: Any, spec: dict[str, Any]) -> bool:
    """Whether one sent dependency (``{"id", "property", ...}``) fits the declared ``spec``."""
    if not isinstance(sent, dict) or _prop(sent.get("property")) != _prop(spec["property"]):
        return False
    pattern = _pattern(spec["id"])
    if pattern is None:
        return sent.get("id") == spec["id"]
    got = sent.get("id")
    if not isinstance(got, dict) or set(got) != set(pattern):
        return False
    return all(isinstance(got[k], _SCALARS) if isinstance(v, list) else got[k] == v for k, v in pattern.items())


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def accepts(annotation: Any, value: Any) -> bool:
    """Whether a JSON ``value`` fits a Dash component property's type ``annotation`` (unknown types accept all)."""
    if annotation is None or annotation is Any or annotation is inspect.Parameter.empty:
        return True
    if annotation is type(None):
        return value is None
    if isinstance(annotation, typing.ForwardRef):
        # A shape declared beside the component class (dash-leaflet's Center, Bounds, Viewport). Its declared
        # keys are not what the browser sends (Leaflet's centre arrives as [lat, lng]): any JSON container.
        return isinstance(value, dict | list)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:  # Dash's numbers: Annotated[SupportsFloat | ..., NumberSchema]
        return _number(value)
    if origin in (typing.Union, types.UnionType):
        return any(accepts(arm, value) for arm in args)
    if origin is typing.Literal:
        return value in args
    if origin in (list, tuple, Sequence) or annotation in (list, tuple, Sequence):
        return isinstance(value, list) and (not args or all(accepts(args[0], v) for v in value))
    shape = isinstance(annotation, type) and issubclass(annotation, dict)  # dict or a TypedDict (a shape)
    if origin in (dict, Mapping) or annotation is Mapping or shape:
        return isinstance(value, dict)
    if annotation is str:
        return isinstance(value, str)
    if annotation is bool:
        return isinstance(value, bool)
    if annotation in (int, float, numbers.Number):
        return _number(value)
    return True


@functools.cache
def _parameters(cls: type) -> Mapping[str, inspect.Parameter]:
    """A component class's constructor parameters: its properties with their declared types."""
    return inspect.signature(cls).parameters


def property_type(classes: set[type], prop: str) -> Any:
    """The declared type of ``prop`` when every component class that may carry the id agrees (else unknown)."""
    found = set()
    for cls in classes:
        parameter = _parameters(cls).get(prop)
        found.add(KNOWN_TYPES.get(prop, None if parameter is None else parameter.annotation))
    return found.pop() if len(found) == 1 else None


def _carriers(components: dict[str, set[type]], prop: str) -> set[type]:
    """For an id made by a callback (not in any page's layout): every known component class with ``prop``."""
    classes = {cls for found in components.values() for cls in found}
    return {cls for cls in classes if prop in _parameters(cls)}


def _hashable(value: Any) -> bool:
    return isinstance(value, _SCALARS) or value is None


def _check_dependencies(
    sent: Any, specs: list[dict[str, Any]], what: str, components: dict[str, set[type]], choices: dict[str, set[Any]]
) -> None:
    """Refuse ``sent`` (a callback request's inputs, state or outputs) unless it fits ``specs`` one to one."""
    if not isinstance(sent, list) or len(sent) != len(specs):
        raise Refused(400, f"{what} must be a list of {len(specs)} for this callback")
    for item, spec in zip(sent, specs, strict=True):
        pattern = _pattern(spec["id"])
        many = pattern is not None and isinstance(item, list)
        for one in item if many else [item]:
            if not _matches(one, spec):
                raise Refused(400, f"{what} do not match this callback's: {shown(one)}")
            if pattern is not None and not web.pattern_id_fits(one["id"]):
                raise Refused(400, f"no component has the id {shown(one['id'])}")
            if "value" not in one:
                continue
            key = str(pattern.get("type")) if pattern is not None else spec["id"]
            classes = components.get(key) or _carriers(components, _prop(spec["property"]))
            annotation = property_type(classes, _prop(spec["property"]))
            value = one["value"]
            allowed = choices.get(key) if spec["property"] == "value" else None
            chosen = value if isinstance(value, list) else [value]
            if allowed is not None and isinstance(value, list) and list not in allowed:
                chosen = [list]  # a list for a component that holds one choice
            prop = _prop(spec["property"])
            if (
                not accepts(annotation, value)
                or (allowed is not None and not all(_hashable(v) and v in allowed for v in chosen))
                or (pattern is None and prop == "data" and not web.store_fits(spec["id"], value))
                or not web.feature_fits(prop, value)
            ):
                raise Refused(400, f"{spec['id']}.{spec['property']} cannot be {shown(value)}")


def fixed_choices(choices: dict[str, set[Any]], callback_map: dict[str, dict[str, Any]]) -> dict[str, set[Any]]:
    """The choice components whose options no callback changes: their value is always one of these."""
    changed = {_prop(key) for output in callback_map for key in output.strip(".").split("...")}
    return {key: values for key, values in choices.items() if f"{key}.options" not in changed}


def check(
    body: Any,
    callback_map: dict[str, dict[str, Any]],
    components: dict[str, set[type]],
    choices: dict[str, set[Any]],
) -> None:
    """Refuse a callback request body that is not what Dash's renderer sends for a declared callback.

    ``components`` maps a component id (a pattern id's ``type``) to the classes that carry it; ``choices``
    a choice component's id to the values it can hold (``fixed_choices``), None being one when clearable.
    """
    if not isinstance(body, dict):
        raise Refused(400, "the callback request must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        raise Refused(400, f"no callback has the output {shown(output)}")
    declared = callback_map[output]
    _check_dependencies(body.get("inputs"), declared["inputs"], "inputs", components, choices)
    _check_dependencies(body.get("state", []), declared["state"], "state", components, choices)
    if not declared.get("no_output"):
        outputs = declared["output"]
        many = isinstance(outputs, list | tuple)
        specs = [o.to_dict() for o in (outputs if many else [outputs])]
        sent = body.get("outputs")
        _check_dependencies(sent if many else [sent], specs, "outputs", {}, {})
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise Refused(400, "changedPropIds must be a list of property ids")
    sent = _input_ids(body["inputs"])
    for one in changed:
        if one not in sent:
            raise Refused(400, f"changedPropIds must name this request's inputs, not {shown(one)}")


def _input_ids(inputs: list[Any]) -> set[str]:
    """``"id.property"`` of every input sent (a pattern id as Dash's renderer writes it: sorted keys, no spaces)."""
    found = set()
    for item in inputs:
        for one in item if isinstance(item, list) else [item]:
            ident = one["id"]
            text = ident if isinstance(ident, str) else json.dumps(ident, sort_keys=True, separators=(",", ":"))
            found.add(f"{text}.{_prop(one['property'])}")
    return found
