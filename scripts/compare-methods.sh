#!/usr/bin/env bash
# Issue 4's end-to-end comparison: naive (xent), logconf, bootstrapping and generative finetuning, each over 3 seeds, on a
# real task; prints one Markdown table from the per-method seed summaries.
# Usage: [CHAIN=m2,m3] scripts/compare-methods.sh [TASK] [WEAK] [STRONG] [OUT] [extra w2s run options...]
# CHAIN: the bootstrapping chain's intermediate models (default minilm-l2,minilm-l4). W2S: see below. Weak and ceiling
# stages are shared through OUT/cache, so each is trained once per seed.
set -euo pipefail
cd "$(dirname "$0")/.."
task=${1:-wordnet-gloss}; weak=${2:-bow}; strong=${3:-minilm-l6}; out=${4:-runs/compare-methods}
shift $(( $# < 4 ? $# : 4 ))
# W2S: a built w2s to use instead of building this checkout (so a rebuild during a long comparison cannot disturb it).
if [ -z "${W2S:-}" ]; then
  dotnet build src/WeakToStrong.Cli -c Release -v q -nologo >/dev/null
  W2S="dotnet src/WeakToStrong.Cli/bin/Release/net10.0/w2s.dll"
fi
w2s() { $W2S "$@"; }
declare -A methods=(
  [xent]="--loss xent"
  [logconf]="--loss logconf"
  [bootstrap]="--loss xent --bootstrap ${CHAIN:-minilm-l2,minilm-l4}"
  [genft]="--loss xent --genft"
)
# Seed-major order, so an interrupted comparison has every method on the first seeds; the final --seeds 3 pass reuses
# the finished run folders.
for seed in 0 1 2; do
  for m in xent logconf bootstrap genft; do
    # shellcheck disable=SC2086
    w2s run --task "$task" --weak "$weak" --strong "$strong" ${methods[$m]} --seed "$seed" --out "$out" --json "$@" >/dev/null
  done
done
echo "| method | weak acc | student acc | ceiling acc | PGR (per-seed mean ± se) | PGR of means |"
echo "|---|---|---|---|---|---|"
for m in xent logconf bootstrap genft; do
  # shellcheck disable=SC2086
  json=$(w2s run --task "$task" --weak "$weak" --strong "$strong" ${methods[$m]} --seeds 3 --out "$out" --json "$@")
  python3 - "$m" <<PY
import json, sys
a = json.loads('''$json''')
f = lambda s: f"{s['mean']*100:.1f} ± {s['standardError']*100:.1f}" if s else "-"
p = a['pgr']
pgr = f"{p['mean']:.2f} ± {p['standardError']:.2f} ({len(a['seeds']) - a['pgrUndefinedSeeds']} seeds)" if p else "undefined"
pm = f"{a['pgrOfMeans']:.2f}" if a['pgrOfMeans'] is not None else f"undefined ({a['pgrOfMeansUndefinedReason']})"
print(f"| {sys.argv[1]} | {f(a['weakAccuracy'])} | {f(a['studentAccuracy'])} | {f(a['ceilingAccuracy'])} | {pgr} | {pm} |")
PY
done
