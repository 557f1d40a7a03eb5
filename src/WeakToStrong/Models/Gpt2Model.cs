using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>A GPT-2 decoder body (token + position embeddings, pre-LN blocks, final LayerNorm) returning hidden states [B, T, E].</summary>
public sealed class Gpt2Model : nn.Module<Tensor, Tensor>
{
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly ModuleList<Gpt2Block> h;
    private readonly LayerNorm ln_f;

    public Gpt2Config Config { get; }

    public Gpt2Model(Gpt2Config config) : base(nameof(Gpt2Model))
    {
        Config = config;
        wte = nn.Embedding(config.VocabSize, config.Embedding);
        wpe = nn.Embedding(config.Positions, config.Embedding);
        h = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new Gpt2Block(config)).ToArray());
        ln_f = nn.LayerNorm(config.Embedding, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Dtype of the blocks' matmuls; embeddings, LayerNorms and parameters stay float32.</summary>
    public ComputePrecision Precision
    {
        get => Casts is null ? ComputePrecision.Float32 : ComputePrecision.BFloat16;
        set
        {
            if (value == Precision) return;
            Casts = value == ComputePrecision.BFloat16 ? new LowPrecisionCasts(ScalarType.BFloat16) : null;
            foreach (var block in h) block.Low = Casts;
        }
    }

    /// <summary>The bf16 views of the matmul weights, shared by all layers; null in float32.</summary>
    public LowPrecisionCasts? Casts { get; private set; }

    /// <param name="inputIds">[B, T] int64, right-padded.</param>
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        long t = inputIds.shape[1];
        if (t > Config.Positions) throw new ArgumentException($"Sequence length {t} exceeds {Config.Positions} positions.");
        var x = wte.forward(inputIds) + wpe.forward(arange(t, dtype: int64, device: inputIds.device));
        foreach (var block in h) x = block.forward(x);
        return ln_f.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Builds the decoder from Hugging Face GPT2Model tensors (a GPT2LMHeadModel's "transformer." prefix is skipped; its
    /// lm_head is tied to wte and not needed). GPT-2 stores its projections as Conv1D, i.e. [in, out]: transposed here.
    /// </summary>
    public static Gpt2Model FromHuggingFace(IReadOnlyDictionary<string, Tensor> tensors, Gpt2Config config, string source = "checkpoint")
    {
        var weights = new CheckpointWeights(tensors, source, "wte.weight");
        var model = new Gpt2Model(config);
        long e = config.Embedding, inner = config.InnerSize;
        using (no_grad())
        using (NewDisposeScope())
        {
            InPlace.Copy(model.wte.weight!, weights.Get("wte.weight", config.VocabSize, e));
            InPlace.Copy(model.wpe.weight!, weights.Get("wpe.weight", config.Positions, e));
            Norm(model.ln_f, weights, "ln_f", e);
            for (int i = 0; i < config.Layers; i++)
            {
                var block = model.h[i];
                string p = $"h.{i}.";
                Norm(block.ln_1, weights, p + "ln_1", e);
                Conv1D(block.c_attn, weights, p + "attn.c_attn", e, 3 * e);
                Conv1D(block.attn_proj, weights, p + "attn.c_proj", e, e);
                Norm(block.ln_2, weights, p + "ln_2", e);
                Conv1D(block.c_fc, weights, p + "mlp.c_fc", e, inner);
                Conv1D(block.mlp_proj, weights, p + "mlp.c_proj", inner, e);
            }
        }
        model.eval();
        return model;
    }

    private static void Conv1D(Linear linear, CheckpointWeights weights, string prefix, long inputs, long outputs)
    {
        InPlace.Copy(linear.weight!, weights.Get(prefix + ".weight", inputs, outputs).t());
        InPlace.Copy(linear.bias!, weights.Get(prefix + ".bias", outputs));
    }

    private static void Norm(LayerNorm norm, CheckpointWeights weights, string prefix, long size)
    {
        InPlace.Copy(norm.weight!, weights.Get(prefix + ".weight", size));
        InPlace.Copy(norm.bias!, weights.Get(prefix + ".bias", size));
    }
}
