#!/usr/bin/env bash
# Leave-one-out scores for the default recipe over all the gold it trains on (the five seeds and the
# real reports' train gold): the gold files are dealt into 4 groups (`--folds 4`, round-robin in name
# order); for each group, stage 2 of scripts/train_default_model.sh runs from the same base on the
# other groups and scores each file of the group, which it never saw. Four trainings instead of one
# per file. Writes runs/loo/scores.json and appends the table to the model card. Extra arguments go to
# `gongkai leave-one-out`: `--keep-models` keeps the fold models, and a later `--keep-models --rescore`
# scores them again without training (after a change to decoding or assembly).
set -euo pipefail
cd "$(dirname "$0")/.."
work="${GONGKAI_WORK:-runs}"
{
echo; echo "## Leave-one-out over the gold (4 groups)"; echo
echo "Each row: a gold report scored by stage 2 of scripts/train_default_model.sh run without its group"
echo "(entity F1 per label, strict IOB2; end to end against its expected tables: non-blank and blank"
echo "cells, section F1, figure recall, year). **pooled** counts every held-out span and cell together."; echo
gongkai leave-one-out -a annotations/gold --folds 4 --base-model "$work/base" --augment 12 \
    --synthetic 300 --synthetic-seed 7 --max-steps 350 --lr 5e-4 --seed 1 --out "$work/loo" "$@" 2>/dev/null \
    | grep -v "^{'" \
    | awk '/^\{$/ { print "\nWorst report and pooled scores:\n\n```json" }
           { print }
           /^\}$/ { print "```" }'    # drop the Trainer's log lines; fence the JSON
} >> model/default/README.md
