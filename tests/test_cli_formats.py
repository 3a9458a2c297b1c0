from pathlib import Path

from typer.testing import CliRunner

from gongkai.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_format_docs_are_generated_from_the_template_module():
    result = CliRunner().invoke(app, ["formats", "-o", str(ROOT / "docs" / "FORMAT.md"), "--check"])
    assert result.exit_code == 0, result.output


def test_formats_check_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "FORMAT.md"
    stale.write_text("old\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["formats", "-o", str(stale), "--check"])
    assert result.exit_code == 1
    assert "out of date" in result.output
