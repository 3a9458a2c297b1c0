"""The clone stays small: no file over 1 MB is committed outside ``model/`` (the shipped weights
live there). Checked over ``git ls-files``, so it runs only in a git checkout."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1 << 20
ALLOWED = ("model/",)


def _tracked() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def test_no_file_over_1_mb_is_committed_outside_model():
    large = [
        (p, (ROOT / p).stat().st_size)
        for p in _tracked()
        if not p.startswith(ALLOWED) and (ROOT / p).is_file() and (ROOT / p).stat().st_size > LIMIT
    ]
    assert not large, f"files over 1 MB outside model/ (keep them out of git, or in model/ if shipped): {large}"
