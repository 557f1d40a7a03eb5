#!/usr/bin/env python3
"""Where a training step's oneDNN time goes, from a log written with ONEDNN_VERBOSE=1.

oneDNN prints one line per executed primitive (kind, shapes, layouts, milliseconds). This sums the lines of the timed
steps (the last STEPS of WARMUP + STEPS equal steps) per primitive and shape, with GFLOP/s for matmuls. Ours:

    ONEDNN_VERBOSE=1 dotnet run -c Release --project bench/WeakToStrong.Bench -- --threads 2 --profile-step bf16 > ours.log
    python3 bench/onednn_profile.py ours.log

The PyTorch peer (its oneDNN reads DNNL_VERBOSE too; its fp32 matmuls run on OpenBLAS, so keep --dtype bf16):

    DNNL_VERBOSE=1 OMP_NUM_THREADS=2 python3 bench/torch_peer.py --train-only > peer.log
    python3 bench/onednn_profile.py peer.log

(without --weights the peer runs MiniLM-L6's shape with random weights, which times the same work).
"""
import argparse
import collections


def executions(path, dtype):
    """(kind, problem, layouts, milliseconds) of each executed primitive whose memory descriptors use dtype."""
    for line in open(path, errors="replace"):
        fields = line.strip().split(",")
        # Newer oneDNN: onednn_verbose,v1,primitive,exec,cpu,...; older: onednn_verbose,exec,cpu,...
        if not fields[0].endswith("_verbose") or "exec" not in fields[1:4] or fields[1] == "v1" and fields[2] != "primitive":
            continue
        start = fields.index("exec") + 1  # engine, kind, implementation, prop_kind, memory descriptors, ...
        kind, descriptors = fields[start + 1], fields[start + 4]
        if dtype and dtype not in descriptors:
            continue
        yield kind, fields[-2], " ".join(layout(d) for d in descriptors.split() if "::blocked:" in d), float(fields[-1])


def layout(descriptor):
    """src:bf16::blocked:acb::f0 (newer) or src_bf16::blocked:acb:f0 (older) -> src:bf16:acb (acb: a transposed view)."""
    head, rest = descriptor.split("::blocked:", 1)
    return (head if ":" in head else head.replace("_", ":", 1)) + ":" + rest.split(":")[0]


def matmul_flops(problem):
    """2·M·N·K (times the batch) from a problem like 384x128x128:384x128x32[:...]."""
    a, b = (list(map(int, part.split("x"))) for part in problem.split(":")[:2])
    flops = 2 * b[-1]
    for size in a:
        flops *= size
    return flops


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log")
    ap.add_argument("--warmup", type=int, default=2, help="warm-up steps in the log (default 2)")
    ap.add_argument("--steps", type=int, default=5, help="timed steps in the log (default 5)")
    ap.add_argument("--dtype", default="bf16", help="only primitives on this dtype (default bf16; '' for all)")
    args = ap.parse_args()
    runs = list(executions(args.log, args.dtype))
    per_step = len(runs) // (args.warmup + args.steps)
    if per_step == 0:
        raise SystemExit(f"{args.log}: no oneDNN executions on {args.dtype or 'any dtype'} (was ONEDNN_VERBOSE=1 set?)")
    timed = runs[-per_step * args.steps:]
    totals = collections.defaultdict(lambda: [0, 0.0])
    for kind, problem, layouts, ms in timed:
        entry = totals[(kind, problem, layouts)]
        entry[0] += 1
        entry[1] += ms
    total = sum(ms for *_, ms in timed) / args.steps
    print(f"{per_step} oneDNN primitives per step, {total:.1f} ms per step (mean of the last {args.steps} steps)")
    print(f"{'ms/step':>8} {'calls':>5} {'GFLOP/s':>8}  primitive")
    for (kind, problem, layouts), (count, ms) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
        rate = f"{matmul_flops(problem) * count / ms / 1e6:8.0f}" if kind == "matmul" else f"{'':>8}"
        print(f"{ms / args.steps:8.1f} {count // args.steps:5d} {rate}  {kind} {problem} {layouts}")


if __name__ == "__main__":
    main()
