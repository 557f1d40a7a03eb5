using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// Attention for the bf16 path. Where oneMKL's bf16 GEMM runs the linear layers (<see cref="MklBf16Gemm.Preferred"/>), the
/// fused per-head kernel <see cref="Bf16Attention"/>; elsewhere spelled out (softmax(QKᵀ/√d)·V) as PyTorch's math backend
/// computes it: libtorch's fused CPU kernel (scaled_dot_product_attention) is fine in float32 but its bf16 backward was
/// about 2.5× slower than these three ops on an AVX512-BF16 CPU (docs/performance.md). Softmax takes bf16 scores and
/// accumulates in float32 inside libtorch.
/// </summary>
internal static class LowPrecisionAttention
{
    /// <param name="qkv">[B, T, 3·H] bf16, laid out [B, T, 3, heads, d]: the packed Q/K/V projection.</param>
    /// <param name="keep">[B, 1, 1, T] bool, true where a key may be attended to; null: every key.</param>
    /// <param name="causal">Each query attends only to itself and earlier positions.</param>
    /// <returns>The context [B, T, H], heads side by side (float32 from the fused kernel, bf16 otherwise).</returns>
    public static Tensor OfPacked(Tensor qkv, int heads, Tensor? keep = null, bool causal = false)
    {
        if (MklBf16Gemm.Preferred) return Bf16Attention.Of(qkv, heads, keep, causal);
        long b = qkv.shape[0], t = qkv.shape[1], h = qkv.shape[2] / 3;
        var parts = qkv.view(b, t, 3, heads, h / heads).permute(2, 0, 3, 1, 4).unbind(0);
        return Of(parts[0], parts[1], parts[2], keep, causal).transpose(1, 2).reshape(b, t, h);
    }

    /// <param name="q">[B, heads, T, d]; k and v alike.</param>
    /// <param name="keep">[B, 1, 1, T] bool, true where a key may be attended to; null: every key.</param>
    /// <param name="causal">Each query attends only to itself and earlier positions.</param>
    public static Tensor Of(Tensor q, Tensor k, Tensor v, Tensor? keep = null, bool causal = false)
    {
        long t = q.shape[^2];
        var scores = (q * (1 / Math.Sqrt(q.shape[^1]))).matmul(k.transpose(-2, -1));
        if (keep is not null) scores = scores.masked_fill(keep.logical_not(), float.NegativeInfinity);
        if (causal) scores = scores.masked_fill(ones(t, t, ScalarType.Bool, q.device).triu(1), float.NegativeInfinity);
        return nn.functional.softmax(scores, -1).matmul(v);
    }
}
