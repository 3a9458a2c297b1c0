"""Suggesting what to annotate next: failing, uncertain and unfamiliar reports first; the
result loads into Label Studio with the model's tags as pre-annotations and imports back."""

import json

from gongkai.training.formats.importers import import_file
from gongkai.training.suggest import top_k


def _report(fails=0, score=0.99, tables=3):
    return {
        "checks": [{"status": "fail"}] * fails + [{"status": "pass"}],
        "entities": [{"label": "CELL", "start": 0, "end": 1, "score": score}],
        "tables": {f"t{i}": {} for i in range(tables)},
        "error": None,
    }


def test_failing_uncertain_and_unfamiliar_reports_come_first():
    items = [
        ("calm", "0", _report(), 0.0),
        ("failing", "0", _report(fails=3), 0.0),
        ("unsure", "0", _report(score=0.4), 0.0),
        ("strange", "0", _report(), 0.5),
        ("broken", "0", {"error": "x"}, 0.0),
    ]
    best = top_k(iter(items), 3)
    assert [s.id for s in best] == ["failing", "strange", "unsure"]
    assert best[0].reasons["failed_checks"] == 3


def test_suggestions_round_trip_through_label_studio(tmp_path):
    from gongkai.training.formats.labelstudio import to_labelstudio

    best = top_k(iter([("d1", "0 |", _report(fails=1), 0.0)]), 5)
    paths = to_labelstudio([s.record for s in best], tmp_path / "tasks.json")
    tasks = json.loads(paths[0].read_text(encoding="utf-8"))
    assert tasks[0]["predictions"][0]["result"][0]["value"]["labels"] == ["CELL"]
    # A person accepts the prediction in Label Studio: it comes back as an annotation.
    tasks[0]["annotations"] = [{"result": tasks[0]["predictions"][0]["result"], "was_cancelled": False}]
    paths[0].write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    back = import_file("labelstudio", paths[0])
    assert [(s.start, s.end, s.label) for s in back.records[0].spans] == [(0, 1, "CELL")]
