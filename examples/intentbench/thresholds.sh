#!/usr/bin/env bash
# Out-of-scope thresholds: in-scope accuracy, out-of-scope recall, the
# threshold and its source, and training seconds, as medians over seeds
# 1..N, on CLINC150 with its out-of-scope examples (full data and 5/10 shots
# per intent, with and without the validation file; a 12-intent bot with 10
# shots), and on BANKING77 with CLINC150's out-of-scope texts (unseen by
# any choice made here). With OLD_REV, the intentbench of that git revision
# runs the same cases in the same run, alternating with the current tree.
# usage: examples/intentbench/thresholds.sh [DATA_DIR] [SEEDS] [OLD_REV]
# DATA_DIR defaults to ../shared/data; SEEDS to 5. With RESULTS=FILE in the
# environment, every run's JSON line is kept in FILE.
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${1:-../shared/data}
N=${2:-5}
OLD=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/new" ./examples/intentbench
bins=(new)
if [ -n "$OLD" ]; then
  mkdir "$tmp/old-src"
  git archive "$OLD" | tar -x -C "$tmp/old-src"
  (cd "$tmp/old-src" && go build -o "$tmp/old" ./examples/intentbench)
  bins=(old new)
fi

# BANKING77 in scope, CLINC150's out-of-scope texts out of scope.
C=$D/clinc150
cat "$D/banking77/train.tsv" "$C/oos_train.tsv" >"$tmp/b77_train.tsv"
cat "$D/banking77/test.tsv" "$C/oos_test.tsv" >"$tmp/b77_test.tsv"

cases=(
  "clinc-full-val|-train $C/with_oos_train.tsv -val $C/with_oos_val.tsv -test $C/with_oos_test.tsv"
  "clinc-full|-train $C/with_oos_train.tsv -test $C/with_oos_test.tsv"
  "clinc-5shot-val|-train $C/with_oos_train.tsv -val $C/with_oos_val.tsv -test $C/with_oos_test.tsv -shots 5"
  "clinc-5shot|-train $C/with_oos_train.tsv -test $C/with_oos_test.tsv -shots 5"
  "clinc-10shot-val|-train $C/with_oos_train.tsv -val $C/with_oos_val.tsv -test $C/with_oos_test.tsv -shots 10"
  "clinc-10shot|-train $C/with_oos_train.tsv -test $C/with_oos_test.tsv -shots 10"
  "clinc-12intents-10shot|-train $C/with_oos_train.tsv -test $C/with_oos_test.tsv -intents 12 -shots 10"
  "clinc-12intents-10shot-no-oos|-train $C/train.tsv -test $C/with_oos_test.tsv -intents 12 -shots 10"
  "banking-5shot|-train $tmp/b77_train.tsv -test $tmp/b77_test.tsv -shots 5"
  "banking-10shot|-train $tmp/b77_train.tsv -test $tmp/b77_test.tsv -shots 10"
  "banking-12intents-10shot|-train $tmp/b77_train.tsv -test $tmp/b77_test.tsv -intents 12 -shots 10"
)
out=$tmp/results
for seed in $(seq 1 "$N"); do
  for c in "${cases[@]}"; do
    name=${c%%|*}
    read -r -a args <<<"${c#*|}"
    for b in "${bins[@]}"; do
      echo "$name $b $seed $("$tmp/$b" -quiet -json -oos-label oos -seed "$seed" "${args[@]}" | tail -1)" >>"$out"
    done
  done
done
if [ -n "${RESULTS:-}" ]; then cp "$out" "$RESULTS"; fi
python3 - "$out" <<'PY'
import json, sys, statistics
rows, order = {}, []
for line in open(sys.argv[1]):
    name, b, seed, js = line.split(" ", 3)
    if name not in order:
        order.append(name)
    rows.setdefault((name, b), []).append(json.loads(js))
med = statistics.median
bins = [b for b in ("old", "new") if any(k[1] == b for k in rows)]
head = "| case | top-1 in scope | " + " | ".join(f"{b}: in-scope / OOS recall | {b}: threshold (source) | {b}: train s" for b in bins) + " |"
print(head)
print("|---" * (2 + 3 * len(bins)) + "|")
for name in order:
    cells = [f"{100*med(r['in_scope_top1'] for r in rows[(name, 'new')]):.1f}"]
    for b in bins:
        rs = rows.get((name, b), [])
        if not rs:
            cells += ["–"] * 3
            continue
        src = sorted({r["threshold_source"] for r in rs})
        warned = sum(1 for r in rs if r.get("threshold_warnings"))
        cells.append(f"{100*med(r['in_scope_accuracy'] for r in rs):.1f} / {100*med(r['oos_recall'] for r in rs):.1f}")
        cells.append(f"{med(r['threshold'] for r in rs):.3f} ({', '.join(src)}{f'; {warned} warned' if warned else ''})")
        cells.append(f"{med(r['train_seconds'] for r in rs):.1f}")
    print(f"| {name} | " + " | ".join(cells) + " |")
print(f"\nmedians over {max(len(v) for v in rows.values())} seeds")
PY
