"""gongkai as a spaCy component: registered through the spacy_factories entry point, setting
doc.ents, doc.spans["gongkai"] and doc._.gongkai from the tagger, with exact character offsets."""

from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from gongkai.inference.entities import entities_from_source_spans  # noqa: E402
from gongkai.inference.pipeline import Extractor, SpanTagger  # noqa: E402
from gongkai.inference.spacy_component import GongkaiComponent  # noqa: E402
from gongkai.training.corpus import read_jsonl  # noqa: E402

GOLD = Path(__file__).resolve().parents[1] / "annotations" / "gold"
SEEDS = [next(read_jsonl(p)) for p in sorted(GOLD.glob("00*.jsonl"))]


class Counting:
    """The component's tagger, counting its calls and keeping what it returned (normalised offsets)."""

    def __init__(self, tagger):
        self.tagger, self.calls, self.tagged = tagger, 0, {}

    def __call__(self, docs, ids):
        self.calls += 1
        out = self.tagger(docs, ids)
        for d, i, ents in zip(docs, ids, out):
            self.tagged[i] = (d, ents)
        return out


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("zh")
    nlp.add_pipe("gongkai")  # found through the entry point: nothing of gongkai's registered it by hand
    return nlp


def test_the_entry_point_registers_the_factory(nlp):
    assert nlp.pipe_names == ["gongkai"]
    assert set(nlp.get_pipe_meta("gongkai").assigns) == {"doc.ents", "doc.spans", "doc._.gongkai"}
    assert isinstance(nlp.get_pipe("gongkai"), GongkaiComponent)


def test_seeds_entities_have_the_annotations_offsets_where_the_model_is_right(nlp):
    component = nlp.get_pipe("gongkai")
    counting = Counting(component.extractor.tag)
    component.extractor.tag = counting
    docs = []
    for i, rec in enumerate(SEEDS):
        doc = nlp.make_doc(rec.text)
        doc.user_data["id"] = f"seed-{i}"
        docs.append(doc)
    docs = list(nlp.pipe(docs, batch_size=2))
    assert counting.calls == 3  # 5 documents in batches of 2: one tagger call per batch

    right = exact = 0
    for i, (rec, doc) in enumerate(zip(SEEDS, docs)):
        report = doc._.gongkai
        assert report["id"] == f"seed-{i}" and report["tables"]
        norm, predicted = counting.tagged[f"seed-{i}"]
        gold = {(e.label, e.start, e.end): s for s in rec.spans for e in entities_from_source_spans(norm, [s])}
        ents = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        assert len(ents) == len(doc.ents) == len(predicted)  # every entity aligns with the zh char tokens
        assert {(e.start_char, e.end_char, e.label_) for e in doc.spans["gongkai"]} == ents
        for e in predicted:
            span = gold.get((e.label, e.start, e.end))
            if span is None:
                continue  # the model is wrong here
            right += 1
            # Right where the model is right: the annotation's offsets, a ruby after the entity's
            # last character included (it goes with its character, as the guideline has it).
            assert (span.start, span.end, span.label) in ents, rec.text[span.start : span.end]
            exact += 1
    n_gold = sum(len(r.spans) for r in SEEDS)
    assert right >= 0.98 * n_gold  # the shipped model was trained on the seeds
    assert exact == right


def test_gold_spans_come_back_exactly(tmp_path):
    """With a tagger that is always right (the gold spans), the Doc carries the gold spans."""
    nlp = spacy.blank("zh")
    for rec in SEEDS[1:4]:  # no rubies: the offsets are the annotations', one for one
        component = GongkaiComponent(nlp, extractor=Extractor(SpanTagger({"r": rec.spans})))
        doc = nlp.make_doc(rec.text)
        doc.user_data["id"] = "r"
        doc = component(doc)
        assert {(e.start_char, e.end_char, e.label_) for e in doc.ents} == {
            (s.start, s.end, s.label) for s in rec.spans
        }
        cell = doc._.gongkai["provenance"]["applications"]["new_received"]["total"]
        assert doc.char_span(cell["start"], cell["end"]).text == cell["text"]


def test_spans_that_do_not_align_are_widened_in_doc_spans_only():
    nlp = spacy.blank("en")  # a word tokenizer: Chinese runs are single tokens
    rec = SEEDS[1]
    component = GongkaiComponent(nlp, extractor=Extractor(SpanTagger({"r": rec.spans})))
    doc = nlp.make_doc(rec.text)
    doc.user_data["id"] = "r"
    doc = component(doc)
    group = doc.spans["gongkai"]
    assert len(group) == len(rec.spans) > len(doc.ents) > 0
    exact = {(s.start, s.end, s.label) for s in rec.spans}
    assert all((e.start_char, e.end_char, e.label_) in exact for e in doc.ents)
    widened = [s for s in group if (s.start_char, s.end_char, s.label_) not in exact]
    assert widened and all(any(s.start_char <= g[0] and g[1] <= s.end_char for g in exact) for s in widened)
    # The exact offsets stay in the report.
    assert {(e["start"], e["end"], e["label"]) for e in doc._.gongkai["entities"]} == exact
