using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// Self-attention from a layer's packed Q/K/V projection, for BERT's layers and GPT-2's blocks alike. In float32,
/// libtorch's fused scaled_dot_product_attention; in bf16, the fused per-head kernel <see cref="Bf16Attention"/> where
/// oneMKL's bf16 GEMM runs the linear layers (<see cref="MklBf16Gemm.Preferred"/>), else the ops of
/// <see cref="LowPrecisionAttention"/>.
/// </summary>
internal static class PackedAttention
{
    /// <param name="qkv">[B, T, 3·H], laid out [B, T, 3, heads, d].</param>
    /// <param name="keep">[B, 1, 1, T] bool, true where a key may be attended to; null: every key.</param>
    /// <param name="causal">Each query attends only to itself and earlier positions.</param>
    /// <param name="lowPrecision">qkv is the bf16 path's projection.</param>
    /// <returns>The context [B, T, H], heads side by side (float32 from the fused bf16 kernel, qkv's dtype otherwise).</returns>
    public static Tensor Of(Tensor qkv, int heads, Tensor? keep, bool causal, bool lowPrecision)
    {
        if (lowPrecision && MklBf16Gemm.Preferred) return Bf16Attention.Of(qkv, heads, keep, causal);
        long b = qkv.shape[0], t = qkv.shape[1], h = qkv.shape[2] / 3;
        var parts = qkv.view(b, t, 3, heads, h / heads).permute(2, 0, 3, 1, 4).unbind(0); // -> [3, B, heads, T, d]
        var context = lowPrecision
            ? LowPrecisionAttention.Of(parts[0], parts[1], parts[2], keep, causal)
            : nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2], keep, is_casual: causal);
        return context.transpose(1, 2).reshape(b, t, h);
    }
}
