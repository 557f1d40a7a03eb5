#!/usr/bin/env bash
# Our protocol against its PyTorch twin: for each task, `w2s run --export-split`, then bench/twin/twin.py on the export,
# then one table of student and ceiling test accuracy (and AUROC on binary tasks), ours and the twin's. Exits 1 if any
# pair differs by more than 2 standard errors or the forward check fails, 2 on bad usage. See bench/twin/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/twin/compare.sh [options]
  --tasks T1,T2       built-in tasks (default wordnet-gloss,wordnet-living)
  --max-train N       training pool per task, A+B (default 2000)
  --max-test N        test examples per task (default: all)
  --seed S            seed of the run and of the twin's own batch order (default 0)
  --orders O1,O2      the twin's batch orders: own (a permutation of its own), ours (our trainer's, replayed)
                      (default own,ours)
  --weak M            weak supervisor (default bow)
  --strong M          strong model, a BERT (default minilm-l6)
  --loss L            student loss (default xent; the twin also does xent-hard, logconf, logconf-0.75, logconf-reference)
  --threads N         torch threads for w2s and the twin (default 2)
  --out DIR           run folders and exports (default ${TMPDIR:-/tmp}/w2s-twin)
  --python PY         python with Debian's python3-torch (default /usr/bin/python3)
  --no-build          do not build w2s first
EOF
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tasks=wordnet-gloss,wordnet-living
max_train=2000
max_test=
seed=0
weak=bow
strong=minilm-l6
loss=xent
threads=2
orders=own,ours
out=${TMPDIR:-/tmp}/w2s-twin
python=/usr/bin/python3
build=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --tasks) tasks=$2; shift 2 ;;
    --max-train) max_train=$2; shift 2 ;;
    --max-test) max_test=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --weak) weak=$2; shift 2 ;;
    --strong) strong=$2; shift 2 ;;
    --loss) loss=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --orders) orders=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

w2s_dll=$repo/src/WeakToStrong.Cli/bin/Release/net10.0/w2s.dll
if [[ $build == 1 ]]; then
  echo "== building w2s" >&2
  dotnet build -c Release "$repo/src/WeakToStrong.Cli" -v quiet -nologo >&2
fi
[[ -f $w2s_dll ]] || { echo "compare.sh: $w2s_dll not found; build with: dotnet build -c Release src/WeakToStrong.Cli" >&2; exit 2; }

sizes=(--max-train "$max_train")
[[ -n $max_test ]] && sizes+=(--max-test "$max_test")
reports=()
IFS=, read -r -a task_list <<<"$tasks"
for task in "${task_list[@]}"; do
  export_dir=$out/export/$task
  # Built-in tasks that are not shipped (trump-tweets, movie-genre, ...) are built from their Debian package first; a
  # task that is ready is left as it is.
  dotnet "$w2s_dll" data prepare "$task" >&2 || { echo "compare.sh: could not prepare task '$task' (see above)" >&2; exit 2; }
  echo "== $task: w2s run --export-split $export_dir" >&2
  dotnet "$w2s_dll" run --task "$task" --weak "$weak" --strong "$strong" --loss "$loss" --seed "$seed" "${sizes[@]}" \
    --precision fp32 --group-by-length false --threads "$threads" --out "$out/runs" --export-split "$export_dir" >&2
  IFS=, read -r -a order_list <<<"$orders"
  for order in "${order_list[@]}"; do
    [[ $order == own || $order == ours ]] || { echo "compare.sh: --orders takes own and/or ours, not '$order'" >&2; exit 2; }
    echo "== $task: twin, batch order $order" >&2
    # As bench/WeakToStrong.Bench runs the PyTorch peer: a machine-wide OpenBLAS core-type setting would slow it down.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$threads" \
      "$python" "$repo/bench/twin/twin.py" "$export_dir" --threads "$threads" --order "$order" --shuffle-seed "$seed" >&2 || {
        status=$?
        # Exit 4 (forward check failed) still wrote its report: shown below; anything else stops here.
        [[ $status == 4 ]] || { echo "compare.sh: twin.py failed on $task (exit $status)" >&2; exit "$status"; }
      }
    if [[ $order == own ]]; then reports+=("$export_dir/twin.json"); else reports+=("$export_dir/twin_our_order.json"); fi
  done
done

"$python" - "${reports[@]}" <<'EOF'
import json, sys
rows, bad = [], False
for path in sys.argv[1:]:
    with open(path) as f:
        r = json.load(f)
    check = r["forwardCheck"]
    order = r.get("order", "own")
    if not check["ok"]:
        bad = True
    rows.append((r["task"], "forward", order, "pooled", "", "", f"{check['maxAbsDifference']:.1e}", f"{check['tolerance']:g}",
                 "yes" if check["ok"] else "NO"))
    for role, x in r["roles"].items():
        bad |= not x["agree"]
        rows.append((r["task"], role, order, "accuracy", f"{x['ours']:.1%}", f"{x['twin']:.1%}",
                     f"{100 * x['difference']:+.1f}", f"{100 * x['twoSe']:.1f}", "yes" if x["agree"] else "NO"))
        if "auroc" in x:
            a = x["auroc"]
            bad |= not a["agree"]
            rows.append((r["task"], role, order, "AUROC", f"{a['ours']:.3f}", f"{a['twin']:.3f}", f"{a['difference']:+.3f}",
                         f"{a['twoSe']:.3f}", "yes" if a["agree"] else "NO"))
header = ("task", "role", "order", "metric", "ours", "twin", "difference", "2 SE", "agree")
widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
for row in [header] + rows:
    print("  ".join(str(v).ljust(w) if i < 4 else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths))))
print("(accuracy in %, its difference and 2 SE in points; AUROC's 2 SE by Hanley-McNeil; forward: max |pooled embedding")
print(" ours - twin| and its tolerance; order: the twin's batch order, its own or our trainer's replayed)")
sys.exit(1 if bad else 0)
EOF
