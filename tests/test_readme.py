"""The README's library example runs as printed, with the shipped model (a user copies it first)."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_the_readme_library_example_runs(tmp_path, monkeypatch):
    seeds = sorted(EXAMPLES.glob("seed-*.txt"))  # shipped with the repository: no ../shared needed
    assert len(seeds) >= 2
    code = re.search(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    assert "..." in code  # the loop body the user fills in
    (tmp_path / "report.txt").write_bytes(seeds[0].read_bytes())
    monkeypatch.chdir(tmp_path)
    namespace = {"paths": seeds[:2], "got": []}
    exec(code.replace("...", "got.append(report)"), namespace)
    assert [r.to_dict()["id"] for r in namespace["got"]] == [p.name for p in seeds[:2]]
    assert all(r.to_dict()["status"] == "ok" for r in namespace["got"])


def test_the_quick_start_reads_every_sample_report_ok(tmp_path):
    # The quick start's command: one record per sample, each read clean; nothing else in the folder.
    from gongkai.inference.bulk import extract_to_file

    out = tmp_path / "out" / "examples.jsonl"
    summary = extract_to_file([str(EXAMPLES)], out, progress=False)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(r["id"]).name for r in records) == sorted(p.name for p in EXAMPLES.iterdir())
    assert summary.exit_code == 0 and [r["status"] for r in records] == ["ok"] * 4
    assert all(r["tables"] and not any(c["status"] == "fail" for c in r["checks"]) for r in records)
