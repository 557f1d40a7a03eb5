using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>One post-LayerNorm BERT transformer layer, without dropout so that training and inference are deterministic.</summary>
internal sealed class BertLayer : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly int _heads;
    // Q, K and V in one Linear: one matmul instead of three.
    internal readonly Linear qkv;
    internal readonly Linear attention_out;
    internal readonly LayerNorm attention_norm;
    internal readonly Linear intermediate;
    internal readonly Linear output;
    internal readonly LayerNorm output_norm;

    // Null: float32 throughout. Otherwise the matmuls' dtype and the weights' views in it (gradients flow back to the float32
    // parameters through the cast). Residual adds and LayerNorms stay float32, as under PyTorch's CPU autocast.
    internal LowPrecisionCasts? Low;

    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        _heads = config.Heads;
        qkv = nn.Linear(config.Hidden, 3 * config.Hidden);
        attention_out = nn.Linear(config.Hidden, config.Hidden);
        attention_norm = nn.LayerNorm(config.Hidden, config.LayerNormEps);
        intermediate = nn.Linear(config.Hidden, config.Intermediate);
        output = nn.Linear(config.Intermediate, config.Hidden);
        output_norm = nn.LayerNorm(config.Hidden, config.LayerNormEps);
        RegisterComponents();
    }

    /// <param name="x">[B, T, H]</param>
    /// <param name="keep">[B, 1, 1, T] bool, true where a key position is a real token; null when every position is.</param>
    public override Tensor forward(Tensor x, Tensor? keep)
    {
        using var scope = NewDisposeScope();
        var packed = Linear(qkv, x, MatmulType); // [B, T, 3, heads, d]
        var context = PackedAttention.Of(packed, _heads, keep, causal: false, lowPrecision: Low is not null);
        x = attention_norm.forward(x + Linear(attention_out, context, x.dtype));
        // Exact (erf) GELU, as BERT uses.
        var ffn = Linear(output, nn.functional.gelu(Linear(intermediate, x, MatmulType)), x.dtype);
        return output_norm.forward(x + ffn).MoveToOuterDisposeScope();
    }

    private ScalarType MatmulType => Low?.DType ?? ScalarType.Float32;

    // In low precision, output is what the consumer takes: the matmul dtype for attention and GELU, float32 for the residuals.
    private Tensor Linear(Linear layer, Tensor x, ScalarType output) => Low is null ? layer.forward(x) : Low.Linear(layer, x, output);
}
