"""The model card: Hugging Face metadata written with huggingface_hub, the held-out scores as
parameters, and a Use section whose code runs."""

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

from huggingface_hub import ModelCard

from gongkai.model.card import model_card, set_heldout_metrics

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "model" / "default"
SEED = ROOT / "annotations" / "gold" / "001_783649b23b5da190.jsonl"
CONFIG = SimpleNamespace(
    model_type="modernbert",
    num_hidden_layers=3,
    hidden_size=128,
    num_attention_heads=4,
    intermediate_size=512,
    max_position_embeddings=512,
    vocab_size=1102,
    id2label={0: "O", 1: "B-CELL", 2: "I-CELL"},
)


def test_card_metadata_and_held_out_scores_as_parameters():
    card = ModelCard(model_card(CONFIG, data="d", command="gongkai train …"))
    assert (card.data.license, card.data.language, card.data.library_name, card.data.pipeline_tag) == (
        "apache-2.0",
        "zh",
        "transformers",
        "token-classification",
    )
    assert card.data.eval_results is None  # no numbers until a held-out evaluation gives them
    card = ModelCard(model_card(CONFIG, heldout={"CELL F1": 0.981, "cell accuracy": 0.995}))
    results = {(r.metric_name, r.metric_type, r.metric_value, r.dataset_type) for r in card.data.eval_results}
    assert results == {
        ("CELL F1", "f1", 0.981, "gongkai-real-heldout"),
        ("cell accuracy", "accuracy", 0.995, "gongkai-real-heldout"),
    }
    assert "| CELL F1 | 0.9810 |" in card.text and "O, B-CELL, I-CELL" in card.text


def test_held_out_scores_go_into_a_saved_card(tmp_path):
    readme = tmp_path / "README.md"
    shutil.copy(SHIPPED / "README.md", readme)
    before = readme.read_text(encoding="utf-8")
    set_heldout_metrics(readme, {"CELL F1": 0.9, "FIG_METRIC F1": 0.7})
    set_heldout_metrics(readme, {"CELL F1": 0.95, "FIG_METRIC F1": 0.75})  # a second run replaces the first
    card = ModelCard.load(readme)
    assert [(r.metric_name, r.metric_value) for r in card.data.eval_results] == [
        ("CELL F1", 0.95),
        ("FIG_METRIC F1", 0.75),
    ]
    text = readme.read_text(encoding="utf-8")
    assert text.count("## Held-out scores") == 1 and "| CELL F1 | 0.9500 |" in text and "0.9000" not in text
    # Everything else is kept.
    for section in re.findall(r"^## .*$", before, re.M):
        assert section in text
    assert card.data.license == "apache-2.0"


def test_shipped_card_says_how_to_run_it_and_its_code_runs(tmp_path):
    card = ModelCard.load(SHIPPED / "README.md")
    assert (card.data.license, card.data.language, card.data.pipeline_tag) == (
        "apache-2.0",
        "zh",
        "token-classification",
    )
    assert 'pipeline("token-classification"' in card.text and "normalis" in card.text and "windows" in card.text
    text = json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])["text"]
    (tmp_path / "report.txt").write_text(text, encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", card.text, re.S)
    assert len(blocks) == 2
    scope: dict = {}
    for block in blocks:
        code = block.replace('"report.txt"', repr(str(tmp_path / "report.txt")))
        code = code.replace('"model/default"', repr(str(SHIPPED)))
        exec(compile(code, "model card", "exec"), scope)
    assert scope["report"]["tables"]["applications"]["rows"]["new_received"]["total"] == 1
    assert scope["report"]["entities"] and len(scope["prediction"].spans()) == len(scope["report"]["entities"])


def test_shipped_tokenizer_names_a_class_every_allowed_transformers_loads():
    config = json.loads((SHIPPED / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"  # not transformers 5's TokenizersBackend
