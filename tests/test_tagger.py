"""The tagger's windows, stitching, IOB2 decoding and saved-model checks.

Two hand-built zero-layer BERTs make the window logic exact: one whose output depends
only on the character (so windows must not change any tag or score), one whose output
depends only on the position in the window (so each tag shows which window decided it).
"""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import AutoModelForTokenClassification, BertForTokenClassification

from gongkai.model.labels import TAGS, LabelSetMismatch
from gongkai.model.tagger import Prediction, Tagger, new_config, owners, windows
from gongkai.model.tokenizer import build_tokenizer

TEXT = "一、总体情况\n| 规章 | 0 |  |\n本年新增主动公开信息815条。\n| 行政许可 | 12 | |\n" * 3


def _zero_layer_model(vocab_size: int, max_positions: int) -> BertForTokenClassification:
    torch.manual_seed(0)
    model = BertForTokenClassification(
        new_config(
            vocab_size, hidden=32, layers=0, heads=2, intermediate=32, max_positions=max_positions, architecture="bert"
        )
    )
    return model.eval()


def context_free_model(vocab_size: int, max_positions: int = 20) -> BertForTokenClassification:
    model = _zero_layer_model(vocab_size, max_positions)
    with torch.no_grad():
        model.bert.embeddings.position_embeddings.weight.zero_()
        model.bert.embeddings.token_type_embeddings.weight.zero_()
    return model


def position_model(vocab_size: int, max_positions: int = 20) -> BertForTokenClassification:
    """Tags position p of the model input (1 = first character) with tag id p."""
    model = _zero_layer_model(vocab_size, max_positions)
    assert max_positions <= len(TAGS)
    with torch.no_grad():
        emb = model.bert.embeddings
        emb.word_embeddings.weight.zero_()
        emb.token_type_embeddings.weight.zero_()
        emb.position_embeddings.weight.zero_()
        emb.position_embeddings.weight[:, :max_positions] = torch.eye(max_positions) * 10
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.weight[:max_positions, :max_positions] = torch.eye(max_positions)
    return model


def run_model(vocab: dict[str, int], max_positions: int) -> BertForTokenClassification:
    """Tags every character I-CELL except ``|`` and newlines (O): entities are the runs between them."""
    model = _zero_layer_model(len(vocab), max_positions)
    with torch.no_grad():
        emb = model.bert.embeddings
        emb.position_embeddings.weight.zero_()
        emb.token_type_embeddings.weight.zero_()
        emb.word_embeddings.weight.zero_()
        emb.word_embeddings.weight[:, TAGS.index("I-CELL")] = 10
        for ch in "|\n":
            emb.word_embeddings.weight[vocab[ch]] = 0
            emb.word_embeddings.weight[vocab[ch], 0] = 10
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.weight[:, : len(TAGS)] = torch.eye(len(TAGS))
    return model


def per_character(tagger, texts, batch_size=8):
    """Each character's own most probable tag and its probability, before IOB2 decoding:
    what the windowing must leave unchanged."""
    out = []
    for logp in tagger.char_log_probs(texts, batch_size):
        arg = logp.argmax(-1)
        out.append(Prediction([TAGS[i] for i in arg], np.exp(logp.max(-1)).tolist()))
    return out


@pytest.fixture(scope="module")
def tok():
    return build_tokenizer([TEXT])


def test_windows_cover_the_text_with_equal_sizes():
    for length, size, stride in [(100, 18, 5), (100, 18, 18), (37, 18, 9), (18, 18, 1), (5, 18, 7)]:
        bounds = windows(length, size, stride)
        assert bounds[0][0] == 0 and bounds[-1][1] == length
        assert all(b - a == min(size, length) for a, b in bounds)
        assert all(a2 <= b1 for (_, b1), (a2, _) in zip(bounds, bounds[1:]))  # no gaps
        decided = [i for _, lo, hi in owners(bounds, length) for i in range(lo, hi)]
        assert decided == list(range(length))
    with pytest.raises(ValueError, match="stride"):
        windows(10, 4, 5)


@pytest.mark.parametrize("stride", [1, 5, 9, 13, 18])
def test_windows_change_no_tag_of_a_context_free_model(tok, stride):
    model = context_free_model(len(tok), max_positions=20)
    windowed = Tagger(model, tok, window=18, stride=stride, device="cpu")
    ref = [per_character(windowed, [ch])[0] for ch in TEXT[:40]]
    got = per_character(windowed, [TEXT], batch_size=3)[0]
    assert len(got.tags) == len(got.scores) == len(TEXT)
    assert got.tags[:40] == [r.tags[0] for r in ref]
    assert got.scores[:40] == pytest.approx([r.scores[0] for r in ref], abs=1e-5)


@pytest.mark.parametrize("stride", [4, 9, 12, 18])
def test_each_character_comes_from_the_window_where_it_is_farthest_from_an_edge(tok, stride):
    tagger = Tagger(position_model(len(tok), max_positions=20), tok, window=18, stride=stride, device="cpu")
    text = TEXT[:61]
    tags = per_character(tagger, [text, text[:7]])
    bounds = windows(len(text), 18, stride)
    for i, tag in enumerate(tags[0].tags):
        offset = TAGS.index(tag) - 1  # position 0 is [CLS]
        start = i - offset
        assert (start, start + 18) in bounds, (i, tag)
        best = max(min(i - a, b - 1 - i) for a, b in bounds if a <= i < b)
        assert min(offset, 17 - offset) == best, (i, offset, best)
    assert [TAGS.index(t) - 1 for t in tags[1].tags] == list(range(7))  # a short text is one window


def test_an_entity_across_a_window_boundary_is_tagged_as_in_one_big_window(tok):
    vocab = tok.get_vocab()
    whole = Tagger(run_model(vocab, len(TEXT) + 2), tok, device="cpu").predict([TEXT])[0]
    windowed_tagger = Tagger(run_model(vocab, 20), tok, window=18, stride=11, device="cpu")
    windowed = windowed_tagger.predict([TEXT])[0]
    assert len(whole.tags) == len(windowed.tags) == len(TEXT)
    assert windowed.spans() == whole.spans()
    cuts = [lo for _, lo, _ in owners(windows(len(TEXT), 18, 11), len(TEXT))][1:]
    crossing = [(a, b) for a, b, *_ in whole.spans() if any(a < c < b for c in cuts)]
    assert len(crossing) >= 5  # spans really straddle the windows' hand-over points
    assert TEXT[crossing[0][0] : crossing[0][1]].strip(" ") and "|" not in TEXT[crossing[0][0] : crossing[0][1]]


def test_unknown_characters_keep_one_tag_per_character(tok):
    tagger = Tagger(context_free_model(len(tok)), tok, device="cpu")
    text = "鬱𠀀\r|x\n\n  规章"
    [pred] = tagger.predict([text])
    assert len(pred.tags) == len(pred.scores) == len(text)
    [own] = per_character(tagger, [text])
    assert own.tags[0] == own.tags[1] == own.tags[2]  # all [UNK]
    assert all(0 < s <= 1 for s in pred.scores)
    assert tagger.predict([""])[0].tags == []
    with pytest.raises(TypeError, match="list"):
        tagger.predict(text)


def test_spans_decode_iob2_and_open_on_a_stray_inside_tag():
    pred = Prediction(
        ["I-CELL", "I-CELL", "O", "B-ROW_LABEL", "I-ROW_LABEL", "B-ROW_LABEL", "I-CELL", "I-CELL"],
        [0.5, 1.0, 1.0, 0.2, 0.4, 0.9, 1.0, 0.8],
    )
    assert [(a, b, label) for a, b, label, _ in pred.spans()] == [
        (0, 2, "CELL"),
        (3, 5, "ROW_LABEL"),
        (5, 6, "ROW_LABEL"),
        (6, 8, "CELL"),
    ]
    assert [round(s, 3) for *_, s in pred.spans()] == [0.75, 0.3, 0.9, 0.9]


def test_saved_model_reloads_with_the_same_predictions(tok, tmp_path):
    tagger = Tagger(context_free_model(len(tok)), tok, device="cpu")
    tagger.save(tmp_path)
    assert (tmp_path / "model.safetensors").is_file() and not list(tmp_path.glob("*.bin"))
    assert "B-SECTION" in (tmp_path / "README.md").read_text(encoding="utf-8")
    again = Tagger.load(tmp_path, device="cpu")
    a, b = tagger.predict([TEXT])[0], again.predict([TEXT])[0]
    assert a.tags == b.tags and a.scores == pytest.approx(b.scores)


def test_loading_a_model_with_another_label_set_says_how_to_fix_it(tok, tmp_path):
    Tagger(context_free_model(len(tok)), tok, device="cpu").save(tmp_path)
    config_path = tmp_path / "config.json"
    config = json.loads(config_path.read_text())
    config["id2label"] = {str(i): t for i, t in enumerate(TAGS[:-2])}
    config["label2id"] = {t: i for i, t in enumerate(TAGS[:-2])}
    config_path.write_text(json.dumps(config))
    with pytest.raises(LabelSetMismatch, match=r"B-YEAR.*gongkai train"):
        Tagger.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="no model"):
        Tagger.load(tmp_path / "missing")


def test_a_base_checkpoint_gets_a_classifier_for_our_tags(tok, tmp_path):
    # A user's checkpoint: another head size, its own tokenizer.
    torch.manual_seed(0)
    base = BertForTokenClassification(
        new_config(len(tok), hidden=32, layers=1, heads=2, intermediate=32, max_positions=40, architecture="bert")
    )
    base.config.id2label, base.config.label2id = {0: "A", 1: "B"}, {"A": 0, "B": 1}
    base.config.num_labels = 2
    base = BertForTokenClassification(base.config)
    base.save_pretrained(tmp_path)
    tok.save_pretrained(tmp_path)
    tagger = Tagger.from_base_model(tmp_path, device="cpu")
    assert tagger.model.classifier.out_features == len(TAGS)
    assert tagger.window == 38
    assert len(tagger.predict([TEXT])[0].tags) == len(TEXT)
    assert torch.equal(tagger.model.bert.embeddings.word_embeddings.weight, base.bert.embeddings.word_embeddings.weight)
    loaded = AutoModelForTokenClassification.from_pretrained(tmp_path)  # the base itself stays loadable
    assert loaded.config.num_labels == 2


def _well_formed(tags):
    return all(not t.startswith("I-") or (k > 0 and tags[k - 1][2:] == t[2:]) for k, t in enumerate(tags))


def test_decoding_gives_well_formed_iob2_and_keeps_what_already_was():
    from gongkai.model.tag_decoding import viterbi_iob2

    rng = np.random.default_rng(0)
    for n in (1, 2, 7, 60):
        for _ in range(20):
            logits = rng.normal(size=(n, len(TAGS))) * 3
            logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
            tags = [TAGS[i] for i in viterbi_iob2(logp, TAGS)]
            assert _well_formed(tags)
            own = [TAGS[i] for i in logp.argmax(1)]
            if _well_formed(own):  # a sequence that was already valid is the most probable one
                assert tags == own


def test_decoding_finds_the_most_probable_well_formed_sequence():
    """Against brute force over every sequence of a small tag set, stretches of many lengths
    decoded together and one by one."""
    import itertools

    from gongkai.model.tag_decoding import viterbi_iob2, viterbi_iob2_many

    tags = ("O", "B-A", "I-A", "B-B", "I-B")
    rng = np.random.default_rng(1)
    logps = []
    for n in (1, 2, 3, 4, 5, 1, 4, 2):
        logits = rng.normal(size=(n, len(tags))) * 3
        logps.append(logits - np.log(np.exp(logits).sum(1, keepdims=True)))
    for logp, got in zip(logps, viterbi_iob2_many(logps, tags)):
        best = max(
            (
                seq
                for seq in itertools.product(range(len(tags)), repeat=len(logp))
                if _well_formed([tags[i] for i in seq])
            ),
            key=lambda seq: logp[np.arange(len(seq)), seq].sum(),
        )
        assert list(got) == list(best)
        assert list(viterbi_iob2(logp, tags)) == list(best)


def test_predictions_are_well_formed_iob2(tok):
    tagger = Tagger(context_free_model(len(tok), max_positions=20), tok, window=18, stride=9, device="cpu")
    [pred] = tagger.predict([TEXT])
    assert _well_formed(pred.tags)


def test_decoding_never_splits_an_unbroken_label_but_keeps_glued_cells_apart():
    """The tagger may open a metric on two characters in a row (``行`` B, ``政`` B); decoded,
    that is one metric, scored with B-'s probability. Two glued cells stay two cells."""
    from gongkai.model.labels import UNBROKEN
    from gongkai.model.tag_decoding import join_unbroken, viterbi_iob2

    assert "FIG_METRIC" in UNBROKEN and "CELL" not in UNBROKEN
    rows = np.full((4, len(TAGS)), 1e-6)
    for k, tag in enumerate(("B-FIG_METRIC", "B-FIG_METRIC", "I-FIG_METRIC", "B-FIG_VALUE")):
        rows[k, TAGS.index(tag)] = 0.9
    rows[1, TAGS.index("I-FIG_METRIC")] = 0.05
    logp = np.log(rows / rows.sum(1, keepdims=True))
    joined = join_unbroken(logp, TAGS, UNBROKEN)
    assert [TAGS[i] for i in viterbi_iob2(logp, TAGS)][:2] == ["B-FIG_METRIC", "B-FIG_METRIC"]
    got = viterbi_iob2(joined, TAGS)
    assert [TAGS[i] for i in got] == ["B-FIG_METRIC", "I-FIG_METRIC", "I-FIG_METRIC", "B-FIG_VALUE"]
    assert np.exp(joined[1, got[1]]) > 0.9
    cells = np.full((2, len(TAGS)), 1e-6)
    cells[:, TAGS.index("B-CELL")] = 0.9
    cells[1, TAGS.index("I-CELL")] = 0.05
    cells = np.log(cells / cells.sum(1, keepdims=True))
    assert [TAGS[i] for i in viterbi_iob2(join_unbroken(cells, TAGS, UNBROKEN), TAGS)] == ["B-CELL", "B-CELL"]


def _ids(tags):
    return np.array([TAGS.index(t) for t in tags])


def test_a_metric_with_no_number_in_its_clause_is_not_a_figure():
    """``救灾、食品药品监管`` tagged as a metric, with no number in reach, is a list of topics:
    decoded as ``O``. A metric before its value (over a link like ``共``) or right after its
    value and unit (``5项[依申请类事项]``) stays."""
    from gongkai.model.labels import FIGURE_REACH
    from gongkai.model.tag_decoding import drop_unattached

    def decode(text, spans):
        tags = ["O"] * len(text)
        for label, part in spans:
            a = text.index(part)
            tags[a : a + len(part)] = ["B-" + label] + ["I-" + label] * (len(part) - 1)
        got = drop_unattached(_ids(tags), text, TAGS, **FIGURE_REACH)
        return [
            text[a:b]
            for a, b, label, _ in Prediction([TAGS[i] for i in got], [1.0] * len(text)).spans()
            if label == "FIG_METRIC"
        ]

    assert decode("公开救灾、食品药品监管等信息。", [("FIG_METRIC", "救灾、食品药品监管")]) == []
    assert decode("收到申请共计9件。", [("FIG_METRIC", "收到申请"), ("FIG_VALUE", "9"), ("FIG_UNIT", "件")]) == [
        "收到申请"
    ]
    assert decode(
        "全中心5项依申请类事项进驻", [("FIG_VALUE", "5"), ("FIG_UNIT", "项"), ("FIG_METRIC", "依申请类事项")]
    ) == ["依申请类事项"]
    # a clause break between them: the number counts something else
    assert decode("收到申请,共9件", [("FIG_METRIC", "收到申请"), ("FIG_VALUE", "9")]) == []


def test_decoding_keeps_every_gold_and_generated_metric():
    """The reach in ``FIGURE_REACH`` drops no metric and no value the guideline allows: applied
    to the gold tags of the seeds and of generated reports, it changes nothing."""
    from gongkai.model.labels import FIGURE_REACH
    from gongkai.model.tag_decoding import drop_bare_values, drop_second_metric, drop_unattached
    from gongkai.training.corpus import annotation_files, read_jsonl
    from gongkai.training.features import tag_records
    from gongkai.training.synth import generate_many

    gold = [r for f in annotation_files([Path(__file__).parent.parent / "annotations" / "gold"]) for r in read_jsonl(f)]
    records = list(tag_records(gold + list(generate_many(60, seed=11))))
    metrics = 0
    for r in records:
        ids = _ids(r.tags)
        metrics += int((ids == TAGS.index("B-FIG_METRIC")).sum())
        assert (drop_unattached(ids, r.text, TAGS, **FIGURE_REACH) == ids).all(), r.text[:40]
        assert (drop_second_metric(ids, r.text, TAGS, **FIGURE_REACH) == ids).all(), r.text[:40]
        assert (drop_bare_values(ids, r.text, TAGS, **FIGURE_REACH) == ids).all(), r.text[:40]
    assert metrics > 500


def test_a_number_that_counts_nothing_is_not_a_figure():
    """A paragraph's number (``1.全力加强…``) tagged as a value has no unit and no metric: it goes.
    A value with its unit, or with its metric before it over a link, stays."""
    from gongkai.model.labels import FIGURE_REACH
    from gongkai.model.tag_decoding import drop_bare_values

    def values(text, spans):
        tags = ["O"] * len(text)
        for label, a, part in spans:
            tags[a : a + len(part)] = ["B-" + label] + ["I-" + label] * (len(part) - 1)
        got = drop_bare_values(_ids(tags), text, TAGS, **FIGURE_REACH)
        return [
            text[a:b]
            for a, b, label, _ in Prediction([TAGS[i] for i in got], [1.0] * len(text)).spans()
            if label == "FIG_VALUE"
        ]

    assert values("(三)强化管理\n1.全力加强规范化标准", [("FIG_VALUE", 7, "1")]) == []
    assert values("办理群众来信586,开展", [("FIG_METRIC", 0, "办理群众来信"), ("FIG_VALUE", 6, "586")]) == ["586"]
    assert values(
        "公开信息共计14000余条", [("FIG_METRIC", 0, "公开信息"), ("FIG_VALUE", 6, "14000"), ("FIG_UNIT", 11, "余条")]
    ) == ["14000"]
    assert values("另有32个。", [("FIG_VALUE", 2, "32"), ("FIG_UNIT", 4, "个")]) == ["32"]
    # a clause break between metric and number: the number counts nothing named
    assert values("办理群众来信,586", [("FIG_METRIC", 0, "办理群众来信"), ("FIG_VALUE", 7, "586")]) == []


def test_a_figure_counts_one_thing():
    """``设有[政务公开、办事服务]6个[一级栏目]``: the 栏目 follow the number, so the list before it is
    no second metric. A metric that itself follows a figure stays (a figure printed twice,
    ``13个[专题专栏]13个[专题专栏]``), and so does one whose number is the next figure's."""
    from gongkai.model.labels import FIGURE_REACH
    from gongkai.model.tag_decoding import drop_second_metric

    def decode(text, spans):
        tags = ["O"] * len(text)
        at = 0
        for label, part in spans:
            a = text.index(part, at)
            tags[a : a + len(part)] = ["B-" + label] + ["I-" + label] * (len(part) - 1)
            at = a + len(part)
        got = drop_second_metric(_ids(tags), text, TAGS, **FIGURE_REACH)
        return [
            text[a:b]
            for a, b, label, _ in Prediction([TAGS[i] for i in got], [1.0] * len(text)).spans()
            if label == "FIG_METRIC"
        ]

    def fig(value, unit, metric=None):
        return [("FIG_VALUE", value), ("FIG_UNIT", unit)] + ([("FIG_METRIC", metric)] if metric else [])

    assert decode(
        "设有政务公开、办事服务6个一级栏目,50余", [("FIG_METRIC", "政务公开、办事服务"), *fig("6", "个", "一级栏目")]
    ) == ["一级栏目"]
    assert decode("13个专题专栏13个专题专栏", fig("13", "个", "专题专栏") * 2) == ["专题专栏", "专题专栏"]
    assert decode(
        "发布政策解读56篇的图解5期",
        [("FIG_METRIC", "发布政策解读"), *fig("56", "篇"), ("FIG_METRIC", "图解"), *fig("5", "期")],
    ) == ["发布政策解读", "图解"]


def test_a_joined_metric_is_cut_only_where_each_part_has_its_own_number():
    """``5项[依申请类事项][进驻]5项``: the model's B- inside the joined metric is kept, since a
    number stands right before the first part and after the second. ``[行政规范性文件]20件``
    with the same B- has no number before it: one metric."""
    from gongkai.model.labels import FIGURE_REACH
    from gongkai.model.tag_decoding import split_shared

    def decode(text, metric, cut):
        tags = ["O"] * len(text)
        a = text.index(metric)
        tags[a : a + len(metric)] = ["B-FIG_METRIC"] + ["I-FIG_METRIC"] * (len(metric) - 1)
        for k, ch in enumerate(text):
            if ch.isdigit():
                tags[k : k + 2] = ["B-FIG_VALUE", "B-FIG_UNIT"]
        logp = np.full((len(text), len(TAGS)), np.log(1e-3))
        logp[np.arange(len(text)), _ids(tags)] = np.log(0.9)
        logp[a + cut, TAGS.index("B-FIG_METRIC")] = np.log(0.8)  # the model prefers B- here
        logp[a + cut, TAGS.index("I-FIG_METRIC")] = np.log(0.1)
        got = split_shared(_ids(tags), logp, text, TAGS, **FIGURE_REACH)
        return [
            text[s:e]
            for s, e, label, _ in Prediction([TAGS[i] for i in got], [1.0] * len(text)).spans()
            if label == "FIG_METRIC"
        ]

    assert decode("共5项依申请类事项进驻5项", "依申请类事项进驻", 6) == ["依申请类事项", "进驻"]
    assert decode("审查行政规范性文件20件", "行政规范性文件", 2) == ["行政规范性文件"]


def test_decoding_keeps_every_gold_and_generated_heading_and_value():
    """``labels.SHAPES`` drops no heading or value the guideline allows: every SECTION of the seeds
    and of generated reports starts with its number, every FIG_VALUE has a digit (or an OCR
    look-alike of one), every FIG_METRIC has its quotes whole and starts with no conjunction;
    ``[二]`` of ``党的二十大`` goes, and so does a metric cut inside a quote or after a 和."""
    from gongkai.model.labels import SHAPES
    from gongkai.model.tag_decoding import drop_misshapen
    from gongkai.training.corpus import annotation_files, read_jsonl
    from gongkai.training.features import tag_records
    from gongkai.training.synth import generate_many

    gold = [r for f in annotation_files([Path(__file__).parent.parent / "annotations" / "gold"]) for r in read_jsonl(f)]
    headings = quoted = 0
    for r in tag_records(gold + list(generate_many(40, seed=12))):
        ids = _ids(r.tags)
        headings += int((ids == TAGS.index("B-SECTION")).sum())
        quoted += sum(
            "“" in r.text[a:b]
            for a, b, label, _ in Prediction(r.tags, [1.0] * len(ids)).spans()
            if label == "FIG_METRIC"
        )
        assert (drop_misshapen(ids, r.text, TAGS, SHAPES) == ids).all(), r.text[:40]
    assert headings > 200 and quoted > 10
    text = "党的二十大"
    got = drop_misshapen(_ids(["O", "O", "B-SECTION", "I-SECTION", "O"]), text, TAGS, SHAPES)
    assert [TAGS[i] for i in got] == ["O"] * 5
    got = drop_misshapen(_ids(["O", "B-FIG_VALUE", "O", "B-FIG_VALUE", "I-FIG_VALUE"]), "就近办近7", TAGS, SHAPES)
    assert [TAGS[i] for i in got] == ["O", "O", "O", "B-FIG_VALUE", "I-FIG_VALUE"]
    cut, whole = ["B-FIG_METRIC"] + ["I-FIG_METRIC"] * 2, ["B-FIG_METRIC"] + ["I-FIG_METRIC"] * 3
    got = drop_misshapen(_ids(["O"] * 4 + cut + whole), "“民生”专题”“一事”", TAGS, SHAPES)
    assert [TAGS[i] for i in got] == ["O"] * 7 + whole  # [专题”] goes, [“一事”] stays
    got = drop_misshapen(_ids(["O", "O"] + whole), "群众和企业事", TAGS, SHAPES)
    assert [TAGS[i] for i in got] == ["O"] * 6  # a metric does not start with 和
    cut, whole = ["B-SUBSECTION"] + ["I-SUBSECTION"] * 3, ["B-SUBSECTION"] + ["I-SUBSECTION"] * 6
    got = drop_misshapen(_ids(["O"] + cut + ["O"] + whole), "第一平台作用(一)强化公开", TAGS, SHAPES)
    assert [TAGS[i] for i in got] == ["O"] * 6 + whole  # a subsection starts with its bracketed number


def test_ocr_digit_confusions_are_lookalikes_decoding_knows():
    from gongkai.model.labels import DIGIT_LOOKALIKES
    from gongkai.training.synth.damage import OCR_CONFUSIONS

    assert {v for k, v in OCR_CONFUSIONS.items() if k.isdigit()} <= set(DIGIT_LOOKALIKES)
