#!/usr/bin/env bash
# Leave-one-seed-out scores for the default recipe: for each gold report, fine-tune the base of
# scripts/train_default_model.sh (trained on generated reports only) on the other gold reports
# and evaluate on the one held out. Writes runs/loo/scores.json and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${GONGKAI_WORK:-runs}"
gongkai leave-one-out -a annotations/gold --base-model "$work/base" --augment 20 \
    --synthetic 200 --synthetic-seed 7 --max-steps 350 --lr 5e-4 --seed 1 --out "$work/loo"
