"""The import direction the design fixes: model imports neither sibling, inference imports only
model, and extraction never loads training-only packages."""

import subprocess
import sys

TRAINING_ONLY = ("datasets", "seqeval", "spacy", "accelerate")


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_inference_does_not_import_training_or_training_only_packages():
    loaded = _loaded_after(
        "import gongkai.inference, pkgutil, importlib; "
        "[importlib.import_module('gongkai.inference.' + m.name) "
        "for m in pkgutil.iter_modules(gongkai.inference.__path__)]"
    )
    assert not any(m == "gongkai.training" or m.startswith("gongkai.training.") for m in loaded)
    for pkg in TRAINING_ONLY:
        assert pkg not in loaded, f"importing gongkai.inference loaded the training-only package {pkg}"


def test_model_imports_neither_sibling():
    loaded = _loaded_after(
        "import gongkai.model, pkgutil, importlib; "
        "[importlib.import_module('gongkai.model.' + m.name) "
        "for m in pkgutil.iter_modules(gongkai.model.__path__)]"
    )
    for sibling in ("gongkai.inference", "gongkai.training"):
        assert not any(m == sibling or m.startswith(sibling + ".") for m in loaded)
    for pkg in TRAINING_ONLY:
        assert pkg not in loaded


def test_no_top_level_model_training_inference_modules_installed():
    # They would clash with other people's packages of those names.
    loaded = _loaded_after("import gongkai.model, gongkai.inference")
    assert "model" not in loaded and "inference" not in loaded and "training" not in loaded
