#!/usr/bin/env bash
# Runs intentbench on the public evaluation sets and prints a Markdown table.
# usage: examples/intentbench/bench.sh [DATA_DIR] [SEED]
# DATA_DIR defaults to ../shared/data (CLINC150, BANKING77, SMP2017-ECDT).
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${1:-../shared/data}
SEED=${2:-1}
go build -o /tmp/kefu-intentbench ./examples/intentbench
run() { /tmp/kefu-intentbench -quiet -json -seed "$SEED" "$@" | tail -1; }

clinc_oos=$(run -train "$D/clinc150/with_oos_train.tsv" -val "$D/clinc150/with_oos_val.tsv" -test "$D/clinc150/with_oos_test.tsv" -oos-label oos)
clinc=$(run -train "$D/clinc150/train.tsv" -test "$D/clinc150/test.tsv")
banking=$(run -train "$D/banking77/train.tsv" -test "$D/banking77/test.tsv")
smp=$(run -train "$D/smp2017_ecdt_task1/train.tsv" -val "$D/smp2017_ecdt_task1/val.tsv" -test "$D/smp2017_ecdt_task1/test.tsv")

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
