"""Masked-LM pretraining and fine-tuning a tagger from it, on a tiny model (seconds)."""

import json
from pathlib import Path

import pytest
import torch
from tiny_model import TINY_ARGS
from typer.testing import CliRunner

from gongkai.model import tagger as tagger_module
from gongkai.model.labels import TAGS, LabelSetMismatch
from gongkai.model.tagger import Tagger
from gongkai.training.corpus import Record, Span, write_jsonl
from gongkai.training.pretrain import PretrainConfig, TextSourceError, document_texts, pretrain
from gongkai.training.train import TrainConfig, train

TINY_SIZE = dict(hidden=32, layers=1, heads=2, intermediate=64, max_positions=66, dropout=0.0)
TINY = dict(**TINY_SIZE, learning_rate=2e-2, batch_size=8, progress=False, logging_steps=5)

pytestmark = pytest.mark.usefixtures("one_thread")


def report(i: int) -> str:
    """A small report: headings, a flattened table and a narrative figure."""
    return (
        f"一、总体情况\n本年新增主动公开信息{800 + 7 * i}条。\n| 规章 | {i % 10} |\n"
        f"| 行政许可 | {10 + i} |\n二、主动公开政府信息情况\n| 行政处罚 | {3 * i} | {i + 1} |\n"
        "三、收到和处理政府信息公开申请情况\n"
    )


TEXTS = [report(i) for i in range(12)]


def encoder(model) -> dict[str, torch.Tensor]:
    """The encoder's weights by name, whatever the head (``bert.…``)."""
    prefix = model.base_model_prefix + "."
    return {k: v.detach().clone() for k, v in model.state_dict().items() if k.startswith(prefix)}


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    out = tmp_path_factory.mktemp("encoder")
    # BERT: on a dozen near-identical tiny texts its learned positions drop the loss within 60
    # steps; the rotary architectures stay near the unigram loss that long at this size.
    result = pretrain(
        TEXTS,
        out,
        PretrainConfig(**TINY, max_steps=60, stride=16, architecture="bert"),
        command="pytest",
        data="test texts",
    )
    return out, result


def test_pretraining_lowers_the_masked_lm_loss(pretrained):
    _, result = pretrained
    m = result.metrics
    assert m["train_steps"] == 60 and m["texts"] == len(TEXTS) and m["chars"] == sum(map(len, TEXTS))
    # The same masked windows before and after: the loss falls well below chance.
    assert m["mlm_loss_after"] < 0.6 * m["mlm_loss_before"]
    assert m["last_logged_loss"] < m["first_logged_loss"]


def test_saved_encoder_is_safetensors_with_tokenizer_and_card(pretrained):
    out, _ = pretrained
    assert (out / "model.safetensors").is_file() and (out / "tokenizer.json").is_file()
    pickles = [p for p in out.rglob("*") if p.suffix in (".bin", ".pt", ".pth", ".pkl", ".ckpt")]
    assert pickles == [] and not (out / "checkpoints").exists()
    card = (out / "README.md").read_text(encoding="utf-8")
    for needle in (
        "gongkai version",
        "`pytest`",
        f"{len(TEXTS)} texts",
        "test texts",
        "mlm_loss_after",
        "max_steps: 60",
        "--base-model",
    ):
        assert needle in card
    # Not a tagger: loading it as one fails on the label set instead of tagging with a random head.
    with pytest.raises(LabelSetMismatch):
        Tagger.load(out)


def test_texts_are_normalised_as_the_tagger_sees_them(tmp_path):
    out = tmp_path / "m"
    result = pretrain(
        ["一、總體情況\n數據：１２?條", b"\xef\xbb\xbf<p>\xe5\x85\xac\xe5\xbc\x80</p>"],
        out,
        PretrainConfig(**TINY, max_steps=1),
    )
    from transformers import AutoTokenizer

    vocab = AutoTokenizer.from_pretrained(out).get_vocab()
    assert {"总", "体", "据", "公", "开", "1"} <= set(vocab)
    assert not {"總", "體", "１", "?", "<", "p"} & set(vocab)  # simplified, half-width, HTML rendered
    assert result.metrics["texts"] == 2


def test_pretraining_is_reproducible_from_the_seed(tmp_path):
    from transformers import AutoModelForMaskedLM

    config = PretrainConfig(**TINY, max_steps=4)
    pretrain(TEXTS[:4], tmp_path / "a", config)
    pretrain(TEXTS[:4], tmp_path / "b", config)
    a = AutoModelForMaskedLM.from_pretrained(tmp_path / "a")
    b = AutoModelForMaskedLM.from_pretrained(tmp_path / "b")
    for (name, pa), (_, pb) in zip(a.named_parameters(), b.named_parameters()):
        assert pa.detach().equal(pb.detach()), name


def test_fine_tuning_starts_from_the_pretrained_encoder(pretrained, tmp_path):
    from transformers import AutoModelForMaskedLM

    out, _ = pretrained
    mlm = encoder(AutoModelForMaskedLM.from_pretrained(out))
    # What `gongkai train --base-model` loads: the encoder as pretrained, a new head for our tags.
    base = Tagger.from_base_model(out, device="cpu")
    assert base.model.config.num_labels == len(TAGS)
    assert [base.model.config.id2label[i] for i in range(len(TAGS))] == list(TAGS)
    assert base.model.config.label2id == {t: i for i, t in enumerate(TAGS)}
    assert base.model.classifier.weight.shape == (len(TAGS), 32)
    loaded = encoder(base.model)
    assert loaded.keys() == mlm.keys()
    for name, weight in mlm.items():
        assert loaded[name].equal(weight), name

    # Through train(): with a zero learning rate the saved tagger's encoder is exactly the pretrained one.
    records = [Record(f"r{i}", t, [Span(0, 6, "SECTION")]) for i, t in enumerate(TEXTS[:4])]
    tuned = tmp_path / "tuned"
    train(records, None, tuned, TrainConfig(**{**TINY, "learning_rate": 0.0}, max_steps=2, base_model=str(out)))
    tagger = Tagger.load(tuned, device="cpu")
    for name, weight in encoder(tagger.model).items():
        assert weight.equal(mlm[name]), name
    assert "started from: " + str(out) in (tuned / "README.md").read_text(encoding="utf-8")

    # A real fine-tune from it saves, reloads and predicts the same.
    train(records, None, tmp_path / "real", TrainConfig(**TINY, max_steps=4, base_model=str(out)))
    first = Tagger.load(tmp_path / "real", device="cpu")
    first.save(tmp_path / "again")
    second = Tagger.load(tmp_path / "again", device="cpu")
    for a, b in zip(first.predict(TEXTS[:3]), second.predict(TEXTS[:3])):
        assert len(a.tags) == len(TEXTS[0]) and a.tags == b.tags and a.scores == b.scores


@pytest.mark.parametrize("architecture", tagger_module.ARCHITECTURES)
def test_every_architecture_pretrains_and_fine_tunes(architecture, tmp_path):
    from transformers import AutoModelForMaskedLM

    out = tmp_path / "enc"
    pretrain(TEXTS[:4], out, PretrainConfig(**TINY, max_steps=2, architecture=architecture))
    mlm = AutoModelForMaskedLM.from_pretrained(out)
    assert mlm.config.model_type == architecture
    base = Tagger.from_base_model(out, device="cpu")
    loaded = encoder(base.model)
    assert loaded.keys() == encoder(mlm).keys()
    assert all(loaded[k].equal(w) for k, w in encoder(mlm).items())
    assert base.predict([TEXTS[0]])[0].tags


def test_continuing_from_a_checkpoint_learns_new_characters(pretrained, tmp_path):
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    out, _ = pretrained
    before = AutoTokenizer.from_pretrained(out).get_vocab()
    assert "鑫" not in before
    pretrain([*TEXTS[:2], "鑫淼 | 0 |"], tmp_path / "more", PretrainConfig(**TINY, max_steps=2, base_model=str(out)))
    after = AutoTokenizer.from_pretrained(tmp_path / "more").get_vocab()
    assert "鑫" in after and all(after[c] == i for c, i in before.items())
    model = AutoModelForMaskedLM.from_pretrained(tmp_path / "more")
    assert model.get_input_embeddings().weight.shape[0] == len(after)


def test_unreadable_inputs_are_named(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(TextSourceError, match="nowhere.txt"):
        pretrain(document_texts([missing]), tmp_path / "m", PretrainConfig(**TINY, max_steps=1))
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(32)) * 8)
    with pytest.raises(TextSourceError, match="scan.txt"):
        pretrain(document_texts([binary]), tmp_path / "m", PretrainConfig(**TINY, max_steps=1))
    # A file that exists but cannot be read (tests may run as root, where chmod 000 still reads).
    locked = tmp_path / "locked.txt"
    locked.write_text(TEXTS[0], encoding="utf-8")
    real_read = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(TextSourceError, match=r"locked\.txt.*Permission denied"):
        list(document_texts([tmp_path]))
    assert not (tmp_path / "m").exists()


def test_pretrain_command_then_train_from_it(tmp_path):
    from gongkai.cli import app

    docs = tmp_path / "reports"
    (docs / "sub").mkdir(parents=True)
    for i, text in enumerate(TEXTS[:3]):
        (docs / f"r{i}.txt").write_text(text, encoding="gb18030")  # scraped files come in many encodings
    (docs / "sub" / "page.html").write_text(f"<html><body><pre>{TEXTS[3]}</pre></body></html>", encoding="utf-8")
    records = [Record(f"a{i}", t, [Span(0, 6, "SECTION")]) for i, t in enumerate(TEXTS[4:8])]
    write_jsonl(records, tmp_path / "gold.jsonl")
    out = tmp_path / "enc"
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "pretrain",
            "--text",
            str(docs),
            "-a",
            str(tmp_path / "gold.jsonl"),
            "--synthetic",
            "1",
            "--out",
            str(out),
            *TINY_ARGS,
            "--max-steps",
            "3",
            "--batch-size",
            "4",
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    # The metrics JSON follows the Trainer's log lines.
    metrics = json.loads(result.output[result.output.index("{\n") : result.output.rindex("}") + 1])
    assert metrics["texts"] == 3 + 1 + 4 + 1 and metrics["train_steps"] == 3
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "1 synthetic reports (seed 0)" in card and "gold.jsonl" in card and "- command: `gongkai" in card

    tuned = tmp_path / "tagger"
    result = runner.invoke(
        app,
        [
            "train",
            "-a",
            str(tmp_path / "gold.jsonl"),
            "--base-model",
            str(out),
            "--out",
            str(tuned),
            "--max-steps",
            "2",
            "--dev-fraction",
            "0.25",
        ],
    )
    assert result.exit_code == 0, result.output
    assert Tagger.load(tuned, device="cpu").predict([TEXTS[0]])[0].tags


def test_pretrain_command_names_a_bad_input(tmp_path):
    from gongkai.cli import app

    runner = CliRunner()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "一、总体情况"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(app, ["pretrain", "-a", str(bad), "--out", str(tmp_path / "m"), *TINY_ARGS])
    assert result.exit_code == 2 and "bad.jsonl:2" in result.output
    result = runner.invoke(app, ["pretrain", "--text", str(tmp_path / "nowhere"), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "nowhere" in result.output
    result = runner.invoke(app, ["pretrain", "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "--synthetic" in result.output
    assert not (tmp_path / "m").exists()
