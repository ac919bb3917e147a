#!/usr/bin/env bash
# Runs intentbench on the public evaluation sets and prints a Markdown table.
# usage: examples/intentbench/bench.sh [DATA_DIR|fetch] [SEED]
# With "fetch" (the default), the datasets (clinc150, banking77,
# smp2017_ecdt_task1) are fetched from their published sources into the
# cache with intentbench -dataset (KEFU_DATASETS overrides the cache folder;
# see docs/datasets.md). A DATA_DIR holds the same files in folders of
# those names, e.g. the cache folder itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${1:-fetch}
SEED=${2:-1}
go build -o /tmp/kefu-intentbench ./examples/intentbench
run() { /tmp/kefu-intentbench -quiet -json -seed "$SEED" "$@" | tail -1; }

if [ "$D" = fetch ]; then
  a_clinc_oos=(-dataset clinc150 -oos-label oos)
  a_clinc=(-dataset clinc150 -val "")
  a_banking=(-dataset banking77)
  a_smp=(-dataset smp2017_ecdt_task1)
else
  a_clinc_oos=(-train "$D/clinc150/with_oos_train.tsv" -val "$D/clinc150/with_oos_val.tsv" -test "$D/clinc150/with_oos_test.tsv" -oos-label oos)
  a_clinc=(-train "$D/clinc150/train.tsv" -test "$D/clinc150/test.tsv")
  a_banking=(-train "$D/banking77/train.tsv" -test "$D/banking77/test.tsv")
  a_smp=(-train "$D/smp2017_ecdt_task1/train.tsv" -val "$D/smp2017_ecdt_task1/val.tsv" -test "$D/smp2017_ecdt_task1/test.tsv")
fi
clinc_oos=$(run "${a_clinc_oos[@]}")
clinc=$(run "${a_clinc[@]}")
banking=$(run "${a_banking[@]}")
smp=$(run "${a_smp[@]}")

python3 - "$clinc_oos" "$clinc" "$banking" "$smp" <<'PY'
import json, sys
co, c, b, s = (json.loads(a) for a in sys.argv[1:])
pct = lambda x: f"{100*x:.1f} %"
print("| dataset | metric | kefu | train s | µs/query (median) |")
print("|---|---|---|---|---|")
print(f"| CLINC150, OOS threshold tuned on val | in-scope acc. / OOS recall | {pct(co['in_scope_accuracy'])} / {pct(co['oos_recall'])} | {co['train_seconds']:.1f} | {co['us_per_query']:.0f} |")
print(f"| CLINC150 in-scope, no OOS | accuracy | {pct(c['accuracy'])} | {c['train_seconds']:.1f} | {c['us_per_query']:.0f} |")
print(f"| BANKING77 | accuracy | {pct(b['accuracy'])} | {b['train_seconds']:.1f} | {b['us_per_query']:.0f} |")
print(f"| SMP2017-ECDT (val for threshold only) | accuracy | {pct(s['accuracy'])} | {s['train_seconds']:.1f} | {s['us_per_query']:.0f} |")
PY
