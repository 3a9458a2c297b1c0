"""The shipped model (``Extractor.load()``) on the layouts of ``report_layouts``: spanned HTML
tables from Word and CMS editors and Markdown restructured by OCR and language-model
converters come back as the template's cells, blanks null, with provenance into the source."""

import pytest
from report_layouts import check_record, report

from gongkai.inference.model_tagger import default_model_dir
from gongkai.inference.pipeline import Extractor

V2019 = {"active_disclosure": "2019", "applications": "2019", "reviews": "2019"}


@pytest.fixture(scope="module")
def shipped():
    if not (default_model_dir() / "config.json").exists():
        pytest.skip("no model shipped in model/default yet")
    return Extractor.load()


@pytest.mark.parametrize(
    "shape, seed, versions",
    [
        ("word", 0, None),
        ("word", 1, V2019),
        ("cms", 0, None),
        ("cms_rowspan", 0, None),
        ("cms_rowspan", 2, V2019),
        ("word_unmerged", 3, None),
        ("md_rows", 0, None),
        ("md_rows", 2, V2019),
        ("md_generic", 0, None),
        ("md_generic", 2, V2019),
        ("md_br", 1, None),
        ("md_bold", 0, None),
    ],
)
def test_the_shipped_model_reads_the_layout(shipped, shape, seed, versions):
    source, _, expected = report(shape, seed, versions)
    check_record(source, shipped.extract(source, id=shape).to_dict(), expected)
