"""Clear errors instead of tracebacks: a usage mistake exits 2 with a message that names the fix
and writes nothing; --no-progress silences every bar (the model loader's too); a bar shows a
total and an ETA when the number of documents is known."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.inference import pipeline
from gongkai.inference.bulk import extract_to_file
from gongkai.inference.pipeline import Extractor

ROOT = Path(__file__).resolve().parents[1]


class NoTags:
    def __call__(self, docs, ids):
        return [[] for _ in docs]


@pytest.fixture
def report(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.Extractor, "load", classmethod(lambda cls, *a, **k: cls(NoTags())))
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "a.txt"
    path.write_text("一、总体情况\n正文。\n", encoding="utf-8")
    return path


def _extract(*args):
    return CliRunner().invoke(app, ["extract", "--no-progress", *map(str, args)])


@pytest.mark.parametrize(
    "args, fix",
    [
        (["--device", "gpu"], "use cpu, cuda or cuda:N"),
        (["-o", "x.xlsx"], "name the file .jsonl, .csv or .parquet, or give --format"),
        (["-o", "x.json"], "name the file .jsonl, .csv or .parquet"),
        (["--format", "parquet"], "name a file, e.g. -o out.parquet"),
        (["-o", "out.jsonl", "--summary", "-"], "--summary needs a file name"),
        (["-o", "out.jsonl", "--resume", "--figures", "f.csv"], "gongkai tables OUT.jsonl --wide"),
        (["--engine", "ray", "--summary", "s.csv"], "works with --engine local only"),
    ],
)
def test_usage_errors_exit_2_name_the_fix_and_write_nothing(report, tmp_path, args, fix):
    result = _extract(report, *args)
    assert result.exit_code == 2, result.output
    assert fix in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_a_gpu_this_machine_lacks_is_a_usage_error(report):
    result = _extract(report, "--device", "cuda")
    assert result.exit_code == 2
    assert "no CUDA GPU" in result.output and "--device cpu" in result.output


def test_evaluate_on_a_missing_model_names_the_fix(tmp_path):
    for model in (tmp_path / "missing", tmp_path):  # no folder; a folder without a model
        result = CliRunner().invoke(app, ["evaluate", str(model), "-a", str(ROOT / "annotations" / "gold")])
        assert result.exit_code == 2, result.output
        text = " ".join(result.output.replace("│", " ").split())
        assert str(model) in text and "gongkai train" in text and "model/default" in text


def _run_extract(tmp_path, *flags):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("HF_HUB_DISABLE_PROGRESS_BARS", None)
    src = tmp_path / "a.txt"
    src.write_text("一、总体情况\n正文。\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "gongkai", "extract", str(src), "-o", str(tmp_path / "o.jsonl"), *flags],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.slow
def test_no_progress_silences_every_bar_the_model_loaders_too(tmp_path):
    # With bars: ours (and transformers' "Loading weights", where transformers loads the model;
    # the compact forward reads the weights itself).
    shown = _run_extract(tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "doc/s" in shown.stderr
    quiet = _run_extract(tmp_path, "--no-progress")
    assert quiet.returncode == 0, quiet.stderr
    assert "Loading weights" not in quiet.stderr and "it/s" not in quiet.stderr and "doc/s" not in quiet.stderr
    assert "%|" not in quiet.stderr
    assert "1 record(s) written" in quiet.stderr  # the summary still says what was done


def test_the_bar_shows_a_total_and_an_eta_when_the_count_is_known(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("一、总体情况\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        "\n".join(json.dumps({"id": f"d{i}", "text": "正文"}) for i in range(3)) + "\n\n", encoding="utf-8"
    )
    extract_to_file(
        [str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl")],
        tmp_path / "o.jsonl",
        extractor=Extractor(NoTags()),
        progress=True,
    )
    err = capsys.readouterr().err
    assert re.search(r"4/4 \[\d\d:\d\d<\d\d:\d\d", err), err  # JSONL lines counted: a total, so an ETA


def test_an_output_folder_that_does_not_exist_yet_is_made(report, tmp_path):
    result = _extract(report, "-o", "out/run/a.jsonl", "--summary", "out/sum.csv")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out/run/a.jsonl").read_text(encoding="utf-8"))["id"].endswith("a.txt")
    assert (tmp_path / "out/sum.csv").exists()


@pytest.mark.parametrize(
    "out, fix",
    [("a.txt/x.jsonl", "a.txt is not a folder"), (".", "is a folder; name the output file")],
)
def test_an_output_under_a_file_or_a_folder_is_a_usage_error(report, tmp_path, out, fix):
    result = _extract(report, "-o", out)
    assert result.exit_code == 2, result.output
    assert fix in " ".join(result.output.split()), result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
