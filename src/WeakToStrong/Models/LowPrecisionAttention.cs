using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// Attention for the bf16 path where <see cref="Bf16Attention"/> does not run (<see cref="PackedAttention"/>), spelled out
/// (softmax(QKᵀ/√d)·V) as PyTorch's math backend computes it: libtorch's fused CPU kernel (scaled_dot_product_attention)
/// is fine in float32 but its bf16 backward was about 2.5× slower than these three ops on an AVX512-BF16 CPU
/// (docs/performance.md). Softmax takes bf16 scores and accumulates in float32 inside libtorch.
/// </summary>
internal static class LowPrecisionAttention
{
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
