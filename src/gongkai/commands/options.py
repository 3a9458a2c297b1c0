"""Command-line options generated from the training settings (:mod:`gongkai.training.settings`):
each default and its help are written once, in the dataclass the run is configured by."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Sequence
from typing import Any

import typer

from gongkai.training.settings import default, help_text

#: Settings whose option is named apart from the field.
FLAGS = {"learning_rate": ("--lr",), "best_metric": ("--best",), "progress": ("--progress/--no-progress",)}


def _plain(hint: Any) -> Any:
    """``int`` for ``int | None``: an option that defaults to None is declared by its type."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return args[0] if len(args) == 1 and type(None) in typing.get_args(hint) else hint


def setting_options(config: type, names: Sequence[str], **overrides: dict[str, Any]) -> Callable:
    """Give a command an option for each setting ``names`` of the dataclass ``config`` (its
    default and help; ``overrides[name]`` adds ``typer.Option`` arguments or replaces them), and
    call it with their values as ``settings``, a dict by field name.

    >>> from gongkai.training.settings import TrainConfig
    >>> @setting_options(TrainConfig, ["hidden", "learning_rate"], hidden={"help": "Width."})
    ... def cmd(out: str, settings: dict) -> dict:
    ...     return settings
    >>> list(inspect.signature(cmd).parameters), cmd(out="x", hidden=8, learning_rate=0.1)
    (['out', 'hidden', 'learning_rate'], {'hidden': 8, 'learning_rate': 0.1})
    """
    hints = typing.get_type_hints(config)

    def option(name: str) -> inspect.Parameter:
        kwargs = {"help": help_text(config, name), **overrides.get(name, {})}
        value = kwargs.pop("default", default(config, name))
        return inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=_plain(hints[name]),
            default=typer.Option(value, *FLAGS.get(name, ()), **kwargs),
        )

    def decorate(command: Callable) -> Callable:
        own_hints = typing.get_type_hints(command)
        own = [
            p.replace(annotation=own_hints.get(p.name, p.annotation), kind=inspect.Parameter.KEYWORD_ONLY)
            for p in inspect.signature(command).parameters.values()
            if p.name != "settings"
        ]

        @functools.wraps(command)
        def run(**kwargs: Any) -> Any:
            return command(
                **{k: v for k, v in kwargs.items() if k not in names}, settings={k: kwargs[k] for k in names}
            )

        params = [*own, *map(option, names)]
        run.__signature__ = inspect.Signature(params, return_annotation=own_hints.get("return"))
        run.__annotations__ = {p.name: p.annotation for p in params} | {"return": own_hints.get("return")}
        return run

    return decorate


def build(config: type, **values: Any) -> Any:
    """``config(**values)``, a bad value reported as the option's error before any data is read."""
    try:
        return config(**values)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
