"""BERT as Hugging Face's BertModel computes it (post-LayerNorm layers, exact GELU, no dropout), with mean pooling over the
attention mask and a zero-initialised bias-free linear head, in plain PyTorch for Debian's python3-torch 1.13 (no
scaled_dot_product_attention there: attention is spelled out as BertSelfAttention does it). Weights come from a
safetensors file with Hugging Face names, as our C# side writes it (BertEncoder.ToHuggingFace + SafeTensors.Write).

Shared by bench/torch_peer.py (the speed benchmark's peer) and bench/twin/twin.py (the protocol's twin).
"""
import json
import math
import struct

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


def config_of(weights, heads, layer_norm_eps=1e-12):
    """The encoder's shape from its tensors; the head count is not in the tensors and must be given."""
    word = weights["embeddings.word_embeddings.weight"]
    return {"vocab": word.shape[0], "hidden": word.shape[1],
            "positions": weights["embeddings.position_embeddings.weight"].shape[0],
            "types": weights["embeddings.token_type_embeddings.weight"].shape[0],
            "layers": len({k.split(".")[2] for k in weights if k.startswith("encoder.layer.")}),
            "ffn": weights["encoder.layer.0.intermediate.dense.weight"].shape[0],
            "heads": heads, "eps": layer_norm_eps}


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
    """The encoder plus the classifier head: logits = head(mean of the last hidden states over real tokens)."""

    def __init__(self, cfg, classes=2):
        super().__init__()
        h = cfg["hidden"]
        eps = cfg.get("eps", 1e-12)
        self.word = nn.Embedding(cfg["vocab"], h)
        self.pos = nn.Embedding(cfg["positions"], h)
        self.types = nn.Embedding(cfg.get("types", 2), h)
        self.norm = nn.LayerNorm(h, eps=eps)
        self.layers = nn.ModuleList(Layer(h, cfg["heads"], cfg["ffn"], eps) for _ in range(cfg["layers"]))
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

    def body_parameters(self):
        """Everything but the head (frozen in a linear probe)."""
        return [p for name, p in self.named_parameters() if not name.startswith("head.")]

    def forward(self, ids, mask, types=None):
        return self.head(self.pooled(ids, mask, types))

    def pooled(self, ids, mask, types=None):
        """Mean of the last hidden states over positions where mask is 1; types default to segment 0."""
        t = ids.shape[1]
        if types is None:
            types = torch.zeros_like(ids)
        x = self.word(ids) + self.pos(torch.arange(t)) + self.types(types)
        x = self.norm(x)
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, bias)
        m = mask.unsqueeze(-1).to(x.dtype)
        return (x * m).sum(1) / m.sum(1).clamp_min(1e-9)
