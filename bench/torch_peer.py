#!/usr/bin/env python3
"""PyTorch peer for bench/WeakToStrong.Bench: the same BERT (weights from a safetensors file written by the bench),
the same work (batch x seq of random full-length token ids, mean pooling, zero-initialised bias-free head, soft
cross-entropy, Adam, no dropout), timed in fp32 and under torch.autocast('cpu', dtype=torch.bfloat16).

Written for Debian's python3-torch 1.13 (no scaled_dot_product_attention there): attention is spelled out as
Hugging Face's BertSelfAttention does it. Prints one JSON object on stdout.
"""
import argparse
import json
import math
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_safetensors(path):
    """8-byte little-endian header length, JSON header, raw little-endian data (no python3-safetensors on Debian)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {"F32": np.float32, "I64": np.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtypes[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(array.copy())
    return out


class Layer(nn.Module):
    def __init__(self, h, heads, ffn, eps):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
        self.attn_out = nn.Linear(h, h)
        self.attn_norm = nn.LayerNorm(h, eps=eps)
        self.inter = nn.Linear(h, ffn)
        self.out = nn.Linear(ffn, h)
        self.out_norm = nn.LayerNorm(h, eps=eps)

    def forward(self, x, bias):
        b, t, h = x.shape
        d = h // self.heads

        def split(y):
            return y.view(b, t, self.heads, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, h)
        x = self.attn_norm(x + self.attn_out(context))
        return self.out_norm(x + self.out(F.gelu(self.inter(x))))


class Bert(nn.Module):
    def __init__(self, cfg, classes=2):
        super().__init__()
        h = cfg["hidden"]
        self.word = nn.Embedding(cfg["vocab"], h)
        self.pos = nn.Embedding(cfg["positions"], h)
        self.types = nn.Embedding(2, h)
        self.norm = nn.LayerNorm(h, eps=1e-12)
        self.layers = nn.ModuleList(Layer(h, cfg["heads"], cfg["ffn"], 1e-12) for _ in range(cfg["layers"]))
        self.head = nn.Linear(h, classes, bias=False)
        nn.init.zeros_(self.head.weight)

    def load_hf(self, w):
        with torch.no_grad():
            self.word.weight.copy_(w["embeddings.word_embeddings.weight"])
            self.pos.weight.copy_(w["embeddings.position_embeddings.weight"])
            self.types.weight.copy_(w["embeddings.token_type_embeddings.weight"])
            self.norm.weight.copy_(w["embeddings.LayerNorm.weight"])
            self.norm.bias.copy_(w["embeddings.LayerNorm.bias"])
            names = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
                     "attn_out": "attention.output.dense", "attn_norm": "attention.output.LayerNorm",
                     "inter": "intermediate.dense", "out": "output.dense", "out_norm": "output.LayerNorm"}
            for i, layer in enumerate(self.layers):
                for ours, theirs in names.items():
                    module = getattr(layer, ours)
                    module.weight.copy_(w[f"encoder.layer.{i}.{theirs}.weight"])
                    module.bias.copy_(w[f"encoder.layer.{i}.{theirs}.bias"])

    def forward(self, ids, mask):
        return self.head(self.pooled(ids, mask))

    def pooled(self, ids, mask):
        t = ids.shape[1]
        x = self.word(ids) + self.pos(torch.arange(t)) + self.types(torch.zeros_like(ids))
        x = self.norm(x)
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, bias)
        m = mask.unsqueeze(-1).to(x.dtype)
        return (x * m).sum(1) / m.sum(1).clamp_min(1e-9)


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--ids", required=True, help="int64 token ids, raw, batch x seq")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--bf16-steps", type=int, default=None)
    ap.add_argument("--bf16-warmup", type=int, default=None)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    w = read_safetensors(args.weights)
    cfg = {"vocab": w["embeddings.word_embeddings.weight"].shape[0], "hidden": w["embeddings.word_embeddings.weight"].shape[1],
           "positions": w["embeddings.position_embeddings.weight"].shape[0],
           "layers": len({k.split(".")[2] for k in w if k.startswith("encoder.layer.")}),
           "ffn": w["encoder.layer.0.intermediate.dense.weight"].shape[0]}
    cfg["heads"] = args.heads
    ids = torch.from_numpy(np.fromfile(args.ids, dtype=np.int64).reshape(args.batch, args.seq).copy())
    mask = torch.ones_like(ids)
    targets = torch.tensor([[0.3, 0.7]]).repeat(args.batch, 1)
    tokens = args.batch * args.seq

    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "config": torch.__config__.show(),
              "blas": torch.__config__.show().split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in torch.__config__.show() else "?"}
    # The peer's own parity check: the bench compares these with its pooled embeddings of the same ids.
    check = Bert(cfg)
    check.load_hf(w)
    check.eval()
    with torch.no_grad():
        result["pooled_row0_first8"] = check.pooled(ids[:1], mask[:1])[0, :8].tolist()
    # BLAS_INFO=generic means "the system libblas.so.3": record which library that resolved to in this process.
    torch.randn(64, 64) @ torch.randn(64, 64)
    with open("/proc/self/maps") as maps:
        result["blas_library"] = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
    for name, bf16 in (("fp32", False), ("bf16", True)):
        steps = (args.bf16_steps or args.steps) if bf16 else args.steps
        warmup = (args.bf16_warmup if args.bf16_warmup is not None else args.warmup) if bf16 else args.warmup
        model = Bert(cfg)
        model.load_hf(w)
        result[f"train_{name}_seconds_per_step"] = time_train(model, ids, mask, targets, steps, warmup, bf16)
        result[f"train_{name}_tokens_per_second"] = tokens / result[f"train_{name}_seconds_per_step"]
        result[f"infer_{name}_tokens_per_second"] = tokens / time_infer(model, ids, mask, steps, warmup, bf16)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
