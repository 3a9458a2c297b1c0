"""Training settings have one home, :mod:`gongkai.training.settings`: the commands take their
defaults from it, the scripts that train the shipped model spell out its defaults, and the
shipped model is of that size."""

import doctest
import json
import re
import shlex
from pathlib import Path

import pytest
import typer

from gongkai.cli import app
from gongkai.training.settings import SIZE_FIELDS, PretrainConfig, TrainConfig, default

ROOT = Path(__file__).resolve().parents[1]
SIZE = (SIZE_FIELDS - {"dropout"}) | {"max_positions"}
CONFIG = {"train": TrainConfig, "leave-one-out": TrainConfig, "pretrain": PretrainConfig}


def _command(name: str):
    return typer.main.get_command(app).commands[name]


def _setting_params(name: str):
    fields = CONFIG[name].__dataclass_fields__
    return [p for p in _command(name).params if p.name in fields]


def _script_calls(script: str) -> list[tuple[str, list[str]]]:
    """Each ``gongkai train|pretrain|leave-one-out`` call of a script, its arguments up to a pipe or redirection."""
    text = (ROOT / "scripts" / script).read_text(encoding="utf-8").replace("\\\n", " ")
    calls = []
    for m in re.finditer(r"\bgongkai (train|pretrain|leave-one-out) (.*)", text):
        own = re.split(r"\s(?:\||2?>)", m.group(2))[0]
        calls.append((m.group(1), [t for t in shlex.split(own, comments=True) if t != "$@"]))
    return calls


@pytest.mark.parametrize("name", sorted(CONFIG))
def test_command_defaults_are_the_settings_defaults(name):
    params = _setting_params(name)
    assert {"hidden", "layers", "heads", "intermediate", "learning_rate", "seed"} <= {p.name for p in params}
    for param in params:
        if (name, param.name) == ("leave-one-out", "epochs"):
            continue  # one pass per fold by default: a run trains once per gold file
        assert param.default == default(CONFIG[name], param.name), f"gongkai {name} {param.opts}"


@pytest.mark.parametrize("script", ["train_default_model.sh", "leave_one_out.sh"])
def test_scripts_spell_out_the_default_size(script):
    calls = _script_calls(script)
    assert calls, f"no gongkai training call in scripts/{script}"
    for name, args in calls:
        values = _command(name).make_context(name, list(args)).params  # an unknown flag fails here
        for field, value in values.items():
            if field in SIZE:
                assert value == default(CONFIG[name], field), f"scripts/{script}: gongkai {name} {field} {value}"


def test_the_shipped_model_is_of_the_default_size():
    config = json.loads((ROOT / "model" / "default" / "config.json").read_text(encoding="utf-8"))
    shipped = {
        "hidden": config["hidden_size"],
        "layers": config["num_hidden_layers"],
        "heads": config["num_attention_heads"],
        "intermediate": config["intermediate_size"],
        "max_positions": config["max_position_embeddings"],
        "architecture": config["model_type"],
    }
    assert shipped == {k: default(TrainConfig, k) for k in shipped}


def test_options_are_generated_from_the_settings():
    import gongkai.commands.options as options

    assert doctest.testmod(options).failed == 0
    flags = {o for p in _command("train").params for o in p.opts}
    assert {"--lr", "--best", "--hidden", "--max-positions", "--eval-steps"} <= flags
