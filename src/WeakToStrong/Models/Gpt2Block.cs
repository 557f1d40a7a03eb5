using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>One pre-LayerNorm GPT-2 block (causal self-attention, then a tanh-GELU MLP), without dropout.</summary>
internal sealed class Gpt2Block : nn.Module<Tensor, Tensor>
{
    private readonly int _heads;
    internal readonly LayerNorm ln_1;
    internal readonly Linear c_attn;
    internal readonly Linear attn_proj;
    internal readonly LayerNorm ln_2;
    internal readonly Linear c_fc;
    internal readonly Linear mlp_proj;

    /// <summary>Null: float32. Otherwise the matmuls' dtype and weight views (see <see cref="ComputePrecision"/>); LayerNorms stay float32.</summary>
    internal LowPrecisionCasts? Low;

    public Gpt2Block(Gpt2Config config) : base(nameof(Gpt2Block))
    {
        _heads = config.Heads;
        int e = config.Embedding;
        ln_1 = nn.LayerNorm(e, config.LayerNormEps);
        c_attn = nn.Linear(e, 3 * e);
        attn_proj = nn.Linear(e, e);
        ln_2 = nn.LayerNorm(e, config.LayerNormEps);
        c_fc = nn.Linear(e, config.InnerSize);
        mlp_proj = nn.Linear(config.InnerSize, e);
        RegisterComponents();
    }

    /// <param name="x">[B, T, E], right-padded: with a causal mask, real tokens never attend to the padding after them.</param>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var packed = Linear(c_attn, ln_1.forward(x), MatmulType); // [B, T, 3, heads, d]
        var context = PackedAttention.Of(packed, _heads, keep: null, causal: true, lowPrecision: Low is not null);
        x = x + Linear(attn_proj, context, x.dtype);
        var h = Linear(c_fc, ln_2.forward(x), MatmulType);
        // GPT-2's "gelu_new": the tanh approximation of GELU.
        h = 0.5 * h * (1 + tanh(Math.Sqrt(2 / Math.PI) * (h + 0.044715 * h.pow(3))));
        return (x + Linear(mlp_proj, h, x.dtype)).MoveToOuterDisposeScope();
    }

    private ScalarType MatmulType => Low?.DType ?? ScalarType.Float32;

    // In low precision, output is what the consumer takes: the matmul dtype for attention and GELU, float32 for the residuals.
    private Tensor Linear(Linear layer, Tensor x, ScalarType output) => Low is null ? layer.forward(x) : Low.Linear(layer, x, output);
}
