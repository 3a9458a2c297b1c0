#!/usr/bin/env bash
# The transformers floor in pyproject.toml, checked: a venv with exactly that transformers must
# load model/default's tokenizer and model and compute the installed transformers' logits.
# torch is borrowed from the running environment (appended to the venv's path, after its own
# packages) rather than installed a second time. About 30 s; .ci/run runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
floor=$(python scripts/transformers_floor.py floor)
venv="${GONGKAI_FLOOR_VENV:-/tmp/gongkai-floor-venv}"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q "transformers==$floor"
site=$("$venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
python -c "import os, torch; print(os.path.dirname(os.path.dirname(torch.__file__)))" > "$site/zz-borrowed-torch.pth"
work=$(mktemp -d)
python scripts/transformers_floor.py logits "$work/installed.npz"
"$venv/bin/python" scripts/transformers_floor.py logits "$work/floor.npz"
python scripts/transformers_floor.py compare "$work/installed.npz" "$work/floor.npz"
rm -rf "$work"
