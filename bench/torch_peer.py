#!/usr/bin/env python3
"""PyTorch peer for bench/WeakToStrong.Bench: the same BERT (weights from a safetensors file written by the bench),
the same work (batch x seq of random full-length token ids, mean pooling, zero-initialised bias-free head, soft
cross-entropy, Adam, no dropout), timed in fp32 and under torch.autocast('cpu', dtype=torch.bfloat16).

Written for Debian's python3-torch 1.13. The model (attention spelled out as Hugging Face's BertSelfAttention does it) is
bench/twin/bert.py, shared with the protocol's twin. Prints one JSON object on stdout.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "twin"))
from bert import Bert, config_of, read_safetensors  # noqa: E402  (the model shared with bench/twin/twin.py)


def time_train(model, ids, mask, targets, steps, warmup, bf16):
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=5e-5)
    model.eval()  # no dropout, as the protocol trains

    def step():
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(ids, mask)
        loss = -(targets * F.log_softmax(logits.float(), -1)).sum(-1).mean()
        loss.backward()
        opt.step()

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def time_infer(model, ids, mask, steps, warmup, bf16):
    model.eval()
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        for _ in range(warmup):
            model(ids, mask)
        start = time.perf_counter()
        for _ in range(steps):
            model(ids, mask)
    return (time.perf_counter() - start) / steps


def blas_info():
    config = torch.__config__.show()
    return config.split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in config else "?"


def loaded_blas():
    """BLAS_INFO=generic means "the system libblas.so.3": which library that resolved to in this process."""
    torch.randn(64, 64) @ torch.randn(64, 64)
    with open("/proc/self/maps") as maps:
        return sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})


def openblas_core():
    """The kernel set OpenBLAS picked for this CPU (its OPENBLAS_CORETYPE name), or None when no OpenBLAS is loaded."""
    import ctypes
    for library in loaded_blas():
        if "openblas" in os.path.basename(library).lower():
            lib = ctypes.CDLL(library)
            if hasattr(lib, "openblas_get_corename"):
                lib.openblas_get_corename.restype = ctypes.c_char_p
                return lib.openblas_get_corename().decode()
    return None


def sgemm_gflops(threads):
    """fp32 GEMM rate on the model's FFN shape (4,096 tokens x 384 -> 1,536), best of three 0.3 s windows."""
    torch.set_num_threads(threads)
    x, w = torch.randn(4096, 384), torch.randn(1536, 384)
    for _ in range(3):
        F.linear(x, w)
    best = 0.0
    for _ in range(3):
        start, runs = time.perf_counter(), 0
        while time.perf_counter() - start < 0.3:
            F.linear(x, w)
            runs += 1
        best = max(best, 2 * 4096 * 384 * 1536 * runs / (time.perf_counter() - start) / 1e9)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", help="safetensors of the encoder; omitted: random weights of MiniLM-L6's shape (profiling)")
    ap.add_argument("--ids", help="int64 token ids, raw, batch x seq")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--bf16-steps", type=int, default=None)
    ap.add_argument("--bf16-warmup", type=int, default=None)
    ap.add_argument("--blas-only", action="store_true", help="print the loaded BLAS libraries and exit")
    ap.add_argument("--bf16-first", action="store_true", help="time bf16 before fp32")
    ap.add_argument("--train-only", action="store_true", help="time training only (a further round of the bench's comparison)")
    args = ap.parse_args()
    if args.blas_only:
        print(json.dumps({"torch": torch.__version__, "blas": blas_info(), "blas_library": loaded_blas(),
                          "openblas_core": openblas_core(), "sgemm_gflops": sgemm_gflops(args.threads)}))
        return
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    if args.weights:
        w = read_safetensors(args.weights)
        cfg = config_of(w, args.heads)
        ids = torch.from_numpy(np.fromfile(args.ids, dtype=np.int64).reshape(args.batch, args.seq).copy())
    else:
        # No weights given (profiling only): MiniLM-L6's shape, random weights and ids; parity is not checked.
        w = None
        cfg = {"vocab": 30522, "hidden": 384, "positions": 512, "types": 2, "layers": 6, "ffn": 1536,
               "heads": args.heads, "eps": 1e-12}
        ids = torch.randint(1000, 30000, (args.batch, args.seq))
    # Without weights there is nothing to check parity against, and inference is not compared: training only.
    train_only = args.train_only or w is None
    mask = torch.ones_like(ids)
    targets = torch.tensor([[0.3, 0.7]]).repeat(args.batch, 1)
    tokens = args.batch * args.seq

    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "config": torch.__config__.show(), "blas": blas_info()}
    if not train_only:
        # The peer's own parity check: the bench compares these with its pooled embeddings of the same ids.
        check = Bert(cfg)
        check.load_hf(w)
        check.eval()
        with torch.no_grad():
            result["pooled_row0_first8"] = check.pooled(ids[:1], mask[:1])[0, :8].tolist()
    result["blas_library"] = loaded_blas()
    precisions = (("fp32", False), ("bf16", True))
    for name, bf16 in reversed(precisions) if args.bf16_first else precisions:
        steps = (args.bf16_steps or args.steps) if bf16 else args.steps
        warmup = (args.bf16_warmup if args.bf16_warmup is not None else args.warmup) if bf16 else args.warmup
        model = Bert(cfg)
        if w is not None:
            model.load_hf(w)
        result[f"train_{name}_seconds_per_step"] = time_train(model, ids, mask, targets, steps, warmup, bf16)
        result[f"train_{name}_tokens_per_second"] = tokens / result[f"train_{name}_seconds_per_step"]
        if not train_only:
            result[f"infer_{name}_tokens_per_second"] = tokens / time_infer(model, ids, mask, steps, warmup, bf16)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
