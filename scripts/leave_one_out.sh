#!/usr/bin/env bash
# Leave-one-seed-out scores for the default recipe: for each gold report, fine-tune the base of
# scripts/train_default_model.sh (trained on generated reports only) on the other gold reports
# and evaluate on the one held out. Writes runs/loo/scores.json and prints the table. Extra
# arguments go to `gongkai leave-one-out`: `--keep-models` keeps the fold models, and a later
# `--keep-models --rescore` scores them again without training (after a decoding change).
set -euo pipefail
cd "$(dirname "$0")/.."
work="${GONGKAI_WORK:-runs}"
{
echo; echo "## Leave-one-seed-out scores"; echo
echo "Each row: stage 2 of scripts/train_default_model.sh run without that seed, scored on it"
echo "(entity F1 per label, strict IOB2; end-to-end table-cell accuracy, section F1, figure recall)."; echo
gongkai leave-one-out -a annotations/gold --base-model "$work/base" --augment 12 \
    --synthetic 300 --synthetic-seed 7 --max-steps 350 --lr 5e-4 --seed 1 --out "$work/loo" "$@" 2>/dev/null \
    | grep -v "^{'" \
    | awk '/^\{$/ { print "\nWorst fold per score (the targets: ≥ 0.97 for SECTION, COL_HEADER, ROW_LABEL, CELL; ≥ 0.90 for the figure labels):\n\n```json" }
           { print }
           /^\}$/ { print "```" }'    # drop the Trainer's log lines; fence the worst-fold JSON
} >> model/default/README.md
