#!/usr/bin/env bash
# Few-shot accuracy: trains on K examples per intent (K = 5 and 10), sampled
# with seeds 1..N, and prints the median top-1 accuracy over the seeds on
# every in-scope test example, as a Markdown table.
# usage: examples/intentbench/fewshot.sh [DATA_DIR|fetch] [SEEDS] [EXTRA intentbench FLAGS...]
# With "fetch" (the default), the datasets (banking77, clinc150,
# smp2017_ecdt_task1) are fetched from their published sources into the
# cache with intentbench -dataset (KEFU_DATASETS overrides the cache folder;
# see docs/datasets.md). A DATA_DIR holds the same files in folders of
# those names, e.g. the cache folder itself. SEEDS defaults to 5.
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${1:-fetch}
N=${2:-5}
shift $(( $# > 2 ? 2 : $# ))
go build -o /tmp/kefu-intentbench ./examples/intentbench
run() { /tmp/kefu-intentbench -quiet -json "$@" | tail -1; }

declare -A sets=([BANKING77]=banking77 [CLINC150]=clinc150 [SMP2017-ECDT]=smp2017_ecdt_task1)
out=$(mktemp)
for name in BANKING77 CLINC150 SMP2017-ECDT; do
  ds=${sets[$name]}
  if [ "$D" = fetch ]; then
    files=(-dataset "$ds" -val "") # train and test only, as with a DATA_DIR
  else
    files=(-train "$D/$ds/train.tsv" -test "$D/$ds/test.tsv")
  fi
  for k in 5 10; do
    for seed in $(seq 1 "$N"); do
      echo "$name $k $seed $(run "${files[@]}" -shots "$k" -seed "$seed" "$@")" >>"$out"
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
