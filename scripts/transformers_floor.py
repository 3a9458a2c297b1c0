"""The oldest transformers that pyproject.toml allows must load the shipped model and its
tokenizer and compute what the installed transformers computes (scripts/check_transformers_floor.sh
runs this under both). Needs only transformers and torch, not gongkai itself.

    python scripts/transformers_floor.py floor              # the floor, from pyproject.toml
    python scripts/transformers_floor.py logits OUT.npz     # the shipped model on a seed, with this transformers
    python scripts/transformers_floor.py compare A.npz B.npz
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "model" / "default"
#: A real report's opening (a gold seed), long enough for several of the model's local-attention spans.
TEXT = json.loads(
    (ROOT / "annotations" / "gold" / "001_783649b23b5da190.jsonl").read_text(encoding="utf-8").splitlines()[0]
)["text"]


def floor() -> str:
    found = re.search(r'"transformers>=([0-9.]+)', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    if not found:
        sys.exit("pyproject.toml names no transformers>= floor")
    return found.group(1)


def logits(out: str) -> None:
    import numpy as np
    import torch
    import transformers
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    model = AutoModelForTokenClassification.from_pretrained(MODEL).eval()
    text = TEXT[:510]
    ids = tokenizer(text, return_tensors="pt")
    assert ids["input_ids"].shape[1] == len(text) + 2, "not one token per character"
    with torch.no_grad():
        values = model(input_ids=ids["input_ids"], attention_mask=ids["attention_mask"]).logits[0].numpy()
    np.savez(out, logits=values, ids=ids["input_ids"][0].numpy())
    print(
        f"transformers {transformers.__version__}: {type(tokenizer).__name__}, {type(model).__name__}, "
        f"logits {values.shape}"
    )


def compare(a: str, b: str) -> None:
    import numpy as np

    x, y = np.load(a), np.load(b)
    same_ids = bool((x["ids"] == y["ids"]).all())
    diff = float(abs(x["logits"] - y["logits"]).max())
    same_tags = bool((x["logits"].argmax(-1) == y["logits"].argmax(-1)).all())
    print(f"same token ids: {same_ids}; same tags: {same_tags}; largest logit difference {diff:.2e}")
    if not (same_ids and same_tags and diff < 1e-3):
        sys.exit(1)


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["floor"]
    {"floor": lambda: print(floor()), "logits": lambda: logits(*args), "compare": lambda: compare(*args)}[command]()
