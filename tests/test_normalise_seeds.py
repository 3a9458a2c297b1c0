"""The five real scraped seeds normalise to simplified, ruby-free text with an exact map."""

import re
from pathlib import Path

import opencc
import pytest

from gongkai.inference.normalise import normalise

SEEDS = sorted((Path(__file__).resolve().parents[2] / "shared" / "seeds").glob("*.txt"))
RUBY_SHAPED = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")
T2S = opencc.OpenCC("t2s")

pytestmark = pytest.mark.skipif(not SEEDS, reason="seed reports not available")


@pytest.fixture(scope="module", params=SEEDS, ids=lambda p: p.name[:3])
def seed(request):
    source = request.param.read_text(encoding="utf-8")
    return source, normalise(source, name=request.param.name)


def test_no_ruby_left_and_no_real_parenthesis_removed(seed):
    source, n = seed
    assert not RUBY_SHAPED.search(n.text)
    real = len(re.findall(r"[(（]", source)) - len(RUBY_SHAPED.findall(source))
    assert n.text.count("(") == real
    assert n.text.count(")") == len(re.findall(r"[)）]", source)) - len(RUBY_SHAPED.findall(source))


def test_text_is_simplified_and_canonical(seed):
    _, n = seed
    assert T2S.convert(n.text) == n.text
    assert not re.search("[\u00a0\u3000\u200b-\u200d\u2060\ufeff\r\t\uff01-\uff5e]|  ", n.text)
    # The only ? left are real question marks ending a sentence (是否继续?).
    assert all(
        re.match(r"[\u4e00-\u9fff]\?($|\n)", n.text[m.start() - 1 : m.start() + 2]) for m in re.finditer(r"\?", n.text)
    )


def test_every_character_maps_to_its_source(seed):
    source, n = seed
    starts, ends = n.source_offsets()
    for char, s, e in zip(n.text, starts.tolist(), ends.tolist()):
        piece = source[s:e]
        if char.isdigit() or char.isascii() and char.isalpha() or char in "|()":
            assert piece == char  # the seeds are half-width already
        elif "\u4e00" <= char <= "\u9fff":  # the character, with its ruby where it has one
            assert T2S.convert(piece[0]) == char and (len(piece) == 1 or piece[1] in "(（"), piece
        elif char == " ":
            assert piece.strip(" ?\u00a0\u3000") == ""


def test_table_rows_survive(seed):
    source, n = seed
    rows = [line for line in source.split("\n") if "|" in line and line.strip(" |?")]
    assert len([line for line in n.text.split("\n") if "|" in line and line.strip(" |")]) == len(rows)
    assert sum(c.isdigit() for c in n.text) == sum(c.isdigit() for c in source)
