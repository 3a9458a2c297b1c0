"""Features, training, evaluation and the train/evaluate commands, on a tiny model (seconds)."""

import json

import pytest
from tiny_model import TINY_ARGS
from transformers import AutoModelForTokenClassification, AutoTokenizer
from typer.testing import CliRunner

from gongkai.model.labels import TAGS
from gongkai.model.tagger import Tagger
from gongkai.training.corpus import Record, Span, write_jsonl
from gongkai.training.evaluate import evaluate
from gongkai.training.features import FeatureError, encode_windows, tag_record
from gongkai.training.train import TrainConfig, train

TINY = dict(
    hidden=32,
    layers=1,
    heads=2,
    intermediate=64,
    max_positions=66,
    dropout=0.0,
    learning_rate=2e-2,
    batch_size=8,
    progress=False,
    logging_steps=5,
)


def report(i: int) -> Record:
    """A small report with the labels at known places (no text normalisation would change)."""
    parts: list[tuple[str, str | None]] = [
        ("一、总体情况", "SECTION"),
        ("\n本年新增", None),
        ("主动公开信息", "FIG_METRIC"),
        (str(800 + 7 * i), "FIG_VALUE"),
        ("条", "FIG_UNIT"),
        ("。\n| ", None),
        ("规章", "ROW_LABEL"),
        (" | ", None),
        (str(i % 10), "CELL"),
        (" |\n| ", None),
        ("行政许可", "ROW_LABEL"),
        (" | ", None),
        (str(10 + i), "CELL"),
        (" |\n二、主动公开政府信息情况\n", None),
    ]
    text, spans = "", []
    for chunk, label in parts:
        if label:
            spans.append(Span(len(text), len(text) + len(chunk), label))
        text += chunk
    return Record(f"r{i}", text, spans)


RECORDS = [report(i) for i in range(8)]


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("model")
    # Long texts and a small stride: the model sees each character at many window positions.
    records = [
        Record(
            f"long{i}",
            "".join(r.text for r in RECORDS[i : i + 3]),
            [
                Span(s.start + off, s.end + off, s.label)
                for off, r in zip(
                    (0, len(RECORDS[i].text), len(RECORDS[i].text) + len(RECORDS[i + 1].text)), RECORDS[i : i + 3]
                )
                for s in r.spans
            ],
        )
        for i in range(6)
    ]
    result = train(
        records, RECORDS[6:], out, TrainConfig(**TINY, max_steps=200, stride=7, eval_steps=100), command="pytest"
    )
    return out, result


def test_features_map_spans_through_normalisation():
    text = "一、總體情況\n公開(kāi)信息 |  12 |"
    rec = Record("t", text, [Span(0, 6, "SECTION"), Span(7, 14, "FIG_METRIC"), Span(18, 23, "CELL")])
    tagged = tag_record(rec)
    assert tagged.text.startswith("一、总体情况\n公开信息")
    assert [(tagged.text[a:b], label) for a, b, label in tagged.spans()] == [
        ("一、总体情况", "SECTION"),
        ("公开", "FIG_METRIC"),
        ("12", "CELL"),
    ]  # cell padding trimmed
    assert len(tagged.tags) == len(tagged.text)


def test_features_reject_bad_spans_naming_the_record():
    with pytest.raises(FeatureError, match="'bad'.*overlap"):
        tag_record(Record("bad", "规章 12", [Span(0, 2, "ROW_LABEL"), Span(1, 3, "CELL")]))
    with pytest.raises(FeatureError, match="'bad'.*unknown label 'NUMBER'"):
        tag_record(Record("bad", "规章 12", [Span(0, 2, "NUMBER")]))


def test_encoded_windows_ignore_special_positions():
    from gongkai.model.tokenizer import build_tokenizer

    tagged = [tag_record(r) for r in RECORDS[:2]]
    tok = build_tokenizer(t.text for t in tagged)
    cols = encode_windows(tagged, tok, size=20, stride=15)
    assert all(len(i) == len(lab) == 22 for i, lab in zip(cols["input_ids"], cols["labels"]))
    assert all(lab[0] == lab[-1] == -100 for lab in cols["labels"])
    assert cols["labels"][0][1:21] == [TAGS.index(t) for t in tagged[0].tags[:20]]


def test_training_lowers_the_loss_and_fits_the_training_data(trained):
    out, result = trained
    losses = [h["loss"] for h in result.log_history if "loss" in h]
    assert losses[-1] < losses[0] / 10
    scores = evaluate(out, RECORDS[:4])
    assert scores["micro"]["f1"] >= 0.95
    assert set(scores["labels"]) == {"SECTION", "FIG_METRIC", "FIG_VALUE", "FIG_UNIT", "ROW_LABEL", "CELL"}
    assert result.metrics["eval_f1"] == pytest.approx(evaluate(out, RECORDS[6:])["micro"]["f1"], abs=0.1)


def test_saved_directory_loads_offline_with_auto_classes_and_has_a_card(trained, monkeypatch):
    out, result = trained
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = AutoModelForTokenClassification.from_pretrained(out)
    tok = AutoTokenizer.from_pretrained(out)
    assert [model.config.id2label[i] for i in range(len(TAGS))] == list(TAGS)
    assert len(tok("规章 12", add_special_tokens=False)["input_ids"]) == 5
    assert (out / "model.safetensors").is_file() and not (out / "checkpoints").exists()
    card = (out / "README.md").read_text(encoding="utf-8")
    for needle in ("gongkai version", "`pytest`", "eval_f1", "B-CELL", "learning_rate: 0.02"):
        assert needle in card


def test_save_and_reload_give_identical_predictions(trained, tmp_path):
    out, _ = trained
    first = Tagger.load(out, device="cpu")
    first.save(tmp_path)
    second = Tagger.load(tmp_path, device="cpu")
    texts = [r.text for r in RECORDS]
    for a, b in zip(first.predict(texts), second.predict(texts)):
        assert a.tags == b.tags and a.scores == b.scores


def test_training_is_reproducible_from_the_seed(tmp_path):
    config = TrainConfig(**TINY, max_steps=8)
    train(RECORDS[:4], None, tmp_path / "a", config)
    train(RECORDS[:4], None, tmp_path / "b", config)
    a, b = Tagger.load(tmp_path / "a"), Tagger.load(tmp_path / "b")
    for (name, pa), (_, pb) in zip(a.model.named_parameters(), b.model.named_parameters()):
        assert pa.detach().equal(pb.detach()), name


def test_train_and_evaluate_commands(tmp_path):
    from gongkai.commands.model import app

    write_jsonl(RECORDS, tmp_path / "train.jsonl")
    out = tmp_path / "m"
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "train",
            "-a",
            str(tmp_path / "train.jsonl"),
            "--out",
            str(out),
            *TINY_ARGS,
            "--max-steps",
            "6",
            "--eval-steps",
            "3",
            "--dev-fraction",
            "0.25",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "saved to" in result.output and "2 dev records" in (out / "README.md").read_text(encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(out), "-a", str(tmp_path / "train.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output[result.output.index("{") :])
    assert scores["records"] == 8 and {"micro", "macro", "labels"} <= set(scores)
    result = runner.invoke(app, ["evaluate", str(tmp_path / "nowhere"), "-a", str(tmp_path / "train.jsonl")])
    assert result.exit_code != 0


def test_train_mixes_augmented_gold_with_synthetic_reports(tmp_path):
    from gongkai.commands.model import app

    write_jsonl(RECORDS[:2], tmp_path / "gold.jsonl")
    out = tmp_path / "m"
    result = CliRunner().invoke(
        app,
        [
            "train",
            "-a",
            str(tmp_path / "gold.jsonl"),
            "--augment",
            "2",
            "--synthetic",
            "3",
            "--out",
            str(out),
            *TINY_ARGS,
            "--max-steps",
            "2",
            "--eval-steps",
            "2",
            "--dev-fraction",
            "0.2",
        ],
    )
    assert result.exit_code == 0, result.output
    card = (out / "README.md").read_text(encoding="utf-8")
    # 2 gold + 2×2 damaged copies + 3 synthetic = 9 records, 2 of them held out for dev.
    assert "7 training records" in card and "2 dev records" in card
    assert "3 synthetic reports" in card and "2 damaged copies" in card


def test_train_needs_some_data():
    from gongkai.commands.model import app

    result = CliRunner().invoke(app, ["train", "--out", "x"])
    assert result.exit_code == 2 and "--synthetic" in result.output


def test_an_unknown_architecture_is_refused_before_any_data_is_made(tmp_path):
    from gongkai.commands.model import app

    result = CliRunner().invoke(
        app, ["train", "--synthetic", "100000", "--out", str(tmp_path / "m"), "--architecture", "lstm"]
    )
    assert result.exit_code == 2 and "unknown architecture 'lstm'" in result.output
    assert "modernbert" in result.output and "roformer" in result.output and not (tmp_path / "m").exists()


def test_the_card_names_the_architecture_and_from_scratch_sizes(trained):
    out, _ = trained
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "- architecture: modernbert, 1 layers, hidden 32" in card and "- hidden: 32" in card


def test_fine_tuning_learns_characters_the_base_never_saw(tmp_path):
    from gongkai.model.tokenizer import encode_chars

    base = tmp_path / "base"
    train(RECORDS[:2], None, base, TrainConfig(**TINY, max_steps=2))
    unseen = Record("new", "鑫淼 | 0 |", [Span(0, 2, "ROW_LABEL"), Span(5, 6, "CELL")])
    before = Tagger.load(base)
    assert encode_chars(before.tokenizer, "鑫")[0] == before.tokenizer.unk_token_id
    out = tmp_path / "tuned"
    train([unseen, *RECORDS[:2]], None, out, TrainConfig(**TINY, max_steps=2, base_model=str(base)))
    after = Tagger.load(out)
    assert encode_chars(after.tokenizer, "鑫")[0] != after.tokenizer.unk_token_id
    # The base's own characters keep their ids, so what it learned still applies.
    assert after.tokenizer.get_vocab()["0"] == before.tokenizer.get_vocab()["0"]
    assert after.model.get_input_embeddings().weight.shape[0] == len(after.tokenizer)
    assert after.predict(["鑫淼 | 0 |"])[0].tags  # and it runs


def test_leave_one_out_never_trains_on_the_file_it_scores(tmp_path, monkeypatch):
    import gongkai.training.leave_one_out as loo

    files = []
    for k in range(3):
        write_jsonl(RECORDS[2 * k : 2 * k + 2], tmp_path / f"g{k}.jsonl")
        files.append(tmp_path / f"g{k}.jsonl")
    seen = []
    real_train = loo.train

    def spy(records, dev, out, config, **kw):
        seen.append((out.name, {r.id.split("~")[0] for r in records}))
        return real_train(records, dev, out, config, **kw)

    monkeypatch.setattr(loo, "train", spy)
    result = loo.leave_one_out(files, tmp_path / "loo", TrainConfig(**TINY, max_steps=2), augment_copies=1)
    assert set(result["folds"]) == {"g0", "g1", "g2"}
    for held, ids in seen:
        k = int(held[1])
        assert ids.isdisjoint({r.id for r in RECORDS[2 * k : 2 * k + 2]})
    assert "cell_accuracy" in result["worst"] and (tmp_path / "loo" / "scores.json").exists()
    assert "| g0 |" in loo.markdown(result)
    assert not (tmp_path / "loo" / "g0").exists()  # fold models are deleted unless kept
    with pytest.raises(FileNotFoundError, match="--keep-models"):
        loo.leave_one_out(files, tmp_path / "loo", TrainConfig(**TINY, max_steps=2), rescore=True)


def test_leave_one_out_rescore_scores_the_kept_fold_models_without_training(tmp_path, monkeypatch):
    import gongkai.training.leave_one_out as loo

    files = []
    for k in range(2):
        write_jsonl(RECORDS[2 * k : 2 * k + 2], tmp_path / f"g{k}.jsonl")
        files.append(tmp_path / f"g{k}.jsonl")
    first = loo.leave_one_out(files, tmp_path / "loo", TrainConfig(**TINY, max_steps=2), keep_models=True)
    assert (tmp_path / "loo" / "g0" / "config.json").is_file()
    monkeypatch.setattr(loo, "train", lambda *a, **k: pytest.fail("rescore must not train"))
    again = loo.leave_one_out(files, tmp_path / "loo", TrainConfig(**TINY, max_steps=2), rescore=True)
    assert again == first
    one = loo.leave_one_out(files, tmp_path / "loo", TrainConfig(**TINY, max_steps=2), rescore=True, only=["g1"])
    assert one["folds"] == {"g1": first["folds"]["g1"]}
    with pytest.raises(ValueError, match="no gold file g7"):
        loo.leave_one_out(files, tmp_path / "loo", TrainConfig(**TINY, max_steps=2), only=["g7"])


def test_leave_one_out_in_groups_trains_once_per_group_and_scores_every_file(tmp_path, monkeypatch):
    import gongkai.training.leave_one_out as loo

    files = []
    for k in range(4):
        write_jsonl(RECORDS[k : k + 1], tmp_path / f"g{k}.jsonl")
        files.append(tmp_path / f"g{k}.jsonl")
    seen = []
    real_train = loo.train

    def spy(records, dev, out, config, **kw):
        seen.append((out.name, {r.id.split("~")[0] for r in records}))
        return real_train(records, dev, out, config, **kw)

    monkeypatch.setattr(loo, "train", spy)
    result = loo.leave_one_out(files, tmp_path / "loo", TrainConfig(**TINY, max_steps=2), folds=2)
    assert [name for name, _ in seen] == ["fold-0", "fold-1"]
    # fold-0 holds out g0 and g2, fold-1 g1 and g3: neither trains on what it scores.
    assert seen[0][1] == {RECORDS[1].id, RECORDS[3].id} and seen[1][1] == {RECORDS[0].id, RECORDS[2].id}
    assert {k: f["model"] for k, f in result["folds"].items()} == {
        "g0": "fold-0",
        "g1": "fold-1",
        "g2": "fold-0",
        "g3": "fold-1",
    }
    assert "f1.CELL" in result["pooled"] and "| **pooled** |" in loo.markdown(result)
