"""Callbacks declared next to the functions they call, and attached to the Dash app in one place.

Each feature module keeps a ``Callbacks`` collector. ``@callbacks.callback(output=...,
inputs=dict(...), state=dict(...))`` records a declaration and returns the function
unchanged, so it stays a plain function that tests call with keyword arguments. The
inputs and state are dicts (Dash's flexible callback signatures): Dash calls the function
with keyword arguments named by their keys, and a value may be a list of dependencies (the
function then gets a list). ``callbacks.clientside(name, ...)`` records a client-side
function of ``assets/hubei_map.js`` (``window.dash_clientside.hubeiMap``), which takes its
inputs by position. ``attach(app, *collectors)`` declares everything on the app
(``dashapp.create_dash``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from dash import ClientsideFunction, Dash
from dash.dependencies import DashDependency

F = TypeVar("F", bound=Callable[..., Any])

#: Namespace of the client-side functions in ``assets/hubei_map.js``.
NAMESPACE = "hubeiMap"


@dataclass(frozen=True)
class Declaration:
    """One callback: a Python function or the name of a client-side one, and ``app.callback``'s arguments."""

    function: Callable[..., Any] | str
    output: Any
    inputs: Any
    state: dict[str, Any] | None
    options: dict[str, Any]

    def attach(self, app: Dash) -> None:
        """Declare this callback on ``app`` (fresh dicts each time: Dash merges ``inputs`` into ``state``)."""
        inputs = dict(self.inputs) if isinstance(self.inputs, dict) else list(self.inputs)
        args: dict[str, Any] = {"output": self.output, "inputs": inputs, **self.options}
        if self.state:
            args["state"] = dict(self.state)
        if isinstance(self.function, str):
            app.clientside_callback(ClientsideFunction(namespace=NAMESPACE, function_name=self.function), **args)
        else:
            app.callback(**args)(self.function)


class Callbacks:
    """The callbacks of one feature module, recorded where their functions are defined."""

    def __init__(self) -> None:
        self.declarations: list[Declaration] = []

    def callback(
        self, *, output: Any, inputs: dict[str, Any], state: dict[str, Any] | None = None, **options: Any
    ) -> Callable[[F], F]:
        """Record a server-side callback of the decorated function, called with keyword arguments.

        ``options`` are passed on as they are (``prevent_initial_call``, ``running``).
        """

        def record(function: F) -> F:
            _check_names(function, inputs, state or {})
            self.declarations.append(Declaration(function, output, inputs, state, options))
            return function

        return record

    def clientside(self, function_name: str, *, output: Any, inputs: list[DashDependency], **options: Any) -> None:
        """Record a client-side callback: ``function_name`` in ``assets/hubei_map.js``, inputs in order."""
        self.declarations.append(Declaration(function_name, output, inputs, None, options))

    def attach(self, app: Dash) -> None:
        """Declare every recorded callback on ``app``, in the order they were recorded."""
        for declaration in self.declarations:
            declaration.attach(app)


def attach(app: Dash, *collectors: Callbacks) -> None:
    """Declare the callbacks of every collector on ``app``."""
    for collector in collectors:
        collector.attach(app)


def _check_names(function: Callable[..., Any], inputs: dict[str, Any], state: dict[str, Any]) -> None:
    """Fail at import, not at the first click, when the names do not match the function's parameters."""
    if not isinstance(inputs, dict):
        raise TypeError(f"{function.__name__}: inputs must be a dict of named dependencies")
    shared = set(inputs) & set(state)
    if shared:  # Dash would let the input silently replace the state
        raise TypeError(f"{function.__name__}: {sorted(shared)} named as both input and state")
    names = set(inputs) | set(state)
    parameters = inspect.signature(function).parameters.values()
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)
    known = {p.name for p in parameters if p.kind is not inspect.Parameter.VAR_KEYWORD}
    required = {p.name for p in parameters if p.default is inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD}
    unknown = set() if takes_any else names - known
    missing = required - names
    if unknown or missing:
        raise TypeError(f"{function.__name__}: unknown {sorted(unknown)}, missing {sorted(missing)}")
