#!/usr/bin/env bash
# Few-shot accuracy: trains on K examples per intent (K = 5 and 10), sampled
# with seeds 1..N, and prints the median top-1 accuracy over the seeds on
# every in-scope test example, as a Markdown table.
# usage: examples/intentbench/fewshot.sh [DATA_DIR] [SEEDS] [EXTRA intentbench FLAGS...]
# DATA_DIR defaults to ../shared/data; SEEDS to 5.
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${1:-../shared/data}
N=${2:-5}
shift $(( $# > 2 ? 2 : $# ))
go build -o /tmp/kefu-intentbench ./examples/intentbench
run() { /tmp/kefu-intentbench -quiet -json "$@" | tail -1; }

declare -A sets=(
  [BANKING77]="$D/banking77/train.tsv $D/banking77/test.tsv"
  [CLINC150]="$D/clinc150/train.tsv $D/clinc150/test.tsv"
  [SMP2017-ECDT]="$D/smp2017_ecdt_task1/train.tsv $D/smp2017_ecdt_task1/test.tsv"
)
out=$(mktemp)
for name in BANKING77 CLINC150 SMP2017-ECDT; do
  read -r train test <<<"${sets[$name]}"
  for k in 5 10; do
    for seed in $(seq 1 "$N"); do
      echo "$name $k $seed $(run -train "$train" -test "$test" -shots "$k" -seed "$seed" "$@")" >>"$out"
    done
  done
done
python3 - "$out" <<'PY'
import json, sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, k, seed, js = line.split(" ", 3)
    rows.setdefault((name, int(k)), []).append(json.loads(js)["accuracy"])
print("| dataset | 5-shot | 10-shot | seeds |")
print("|---|---|---|---|")
for name in ["BANKING77", "CLINC150", "SMP2017-ECDT"]:
    cells = []
    for k in (5, 10):
        a = rows.get((name, k), [])
        cells.append(f"{100*statistics.median(a):.1f} % ({100*min(a):.1f}–{100*max(a):.1f})" if a else "–")
    print(f"| {name} | {cells[0]} | {cells[1]} | {len(rows.get((name, 5), []))} |")
PY
rm -f "$out"
