#!/usr/bin/env bash
# A sweep killed twice with kill -9 at random moments and restarted must end with the same results table as an
# uninterrupted sweep. Real w2s processes, a real task, a small configuration (4 ladder models x 2 losses x 2 seeds).
#
#   scripts/sweep-kill-test.sh            # builds first; WORK=/tmp/dir keeps the folders; SKIP_BUILD=1 skips the build
#   MODELS=bow,minilm-l1 scripts/sweep-kill-test.sh   # a quicker variant
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build -v q -nologo >/dev/null
W2S=(dotnet src/WeakToStrong.Cli/bin/Debug/net10.0/w2s.dll)
ARGS=(sweep --tasks "${TASK:-wordnet-gloss}" --models "${MODELS:-bow,minilm-l1,minilm-l2,minilm-l3}" --losses xent,logconf --seeds 2
      --max-train "${MAX_TRAIN:-400}" --max-test "${MAX_TEST:-200}" --threads 1)
WORK=${WORK:-$(mktemp -d /tmp/w2s-kill-test.XXXXXX)}
mkdir -p "$WORK"
echo "kill test in $WORK: w2s ${ARGS[*]}"

entries() { find "$1/cache" -name '*.json' 2>/dev/null | wc -l; }

# 1. The reference: one uninterrupted sweep.
start=$(date +%s)
"${W2S[@]}" "${ARGS[@]}" --out "$WORK/straight" >"$WORK/straight.log" 2>&1
duration=$(( $(date +%s) - start ))
echo "uninterrupted sweep: ${duration} s, $(entries "$WORK/straight") stages"

# 2. The same sweep in another folder, killed twice at random points, then run to the end.
for round in 1 2; do
  # A random moment within the first half of what is left (roughly): early enough to hit a stage mid-way.
  wait_s=$(( duration * (10 + RANDOM % 35) / 100 + 1 ))
  "${W2S[@]}" "${ARGS[@]}" --out "$WORK/killed" >"$WORK/killed-$round.log" 2>&1 &
  pid=$!
  sleep "$wait_s"
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    echo "round $round: kill -9 after ${wait_s} s; $(entries "$WORK/killed") stages in the cache; leftovers: $(find "$WORK/killed/cache" -name '*.tmp' | wc -l) temporary, $(find "$WORK/killed/cache" -name '*.lock' | wc -l) lock file(s)"
  else
    wait "$pid" || true
    echo "round $round: the sweep finished before the kill (${wait_s} s)"
  fi
done
"${W2S[@]}" "${ARGS[@]}" --out "$WORK/killed" --json >"$WORK/killed-final.jsonl" 2>"$WORK/killed-final.log"
echo "restarted sweep: $(tail -1 "$WORK/killed-final.jsonl")"

# 3. Compare.
status=0
if cmp -s "$WORK/straight/results.csv" "$WORK/killed/results.csv"; then
  echo "PASS: results.csv identical ($(($(wc -l <"$WORK/straight/results.csv") - 1)) experiments)"
else
  echo "FAIL: results.csv differs"; diff "$WORK/straight/results.csv" "$WORK/killed/results.csv" | head -20; status=1
fi
if cmp -s "$WORK/straight/gt_runs.csv" "$WORK/killed/gt_runs.csv"; then echo "PASS: gt_runs.csv identical"; else echo "FAIL: gt_runs.csv differs"; status=1; fi
left=$(find "$WORK/killed/cache" \( -name '*.tmp' -o -name '*.lock' \) | wc -l)
if [ "$left" = 0 ]; then echo "PASS: no temporary or lock files left"; else echo "FAIL: $left temporary/lock files left"; status=1; fi
exit $status
