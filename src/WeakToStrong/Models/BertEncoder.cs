using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// A BERT encoder (embeddings + post-LayerNorm transformer layers) returning last_hidden_state [B, T, H].
/// No dropout: fine-tuning runs are deterministic and match the ONNX export at inference.
/// </summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm embedding_norm;
    private readonly ModuleList<BertLayer> layers;

    public BertConfig Config { get; }

    /// <summary>The token embedding matrix [vocab, hidden]; the masked-LM head ties its output layer to it.</summary>
    public Tensor WordEmbeddings => word_embeddings.weight!;

    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        Config = config;
        word_embeddings = nn.Embedding(config.VocabSize, config.Hidden);
        position_embeddings = nn.Embedding(config.MaxPositions, config.Hidden);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.Hidden);
        embedding_norm = nn.LayerNorm(config.Hidden, config.LayerNormEps);
        layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Dtype of the layers' matmuls; embeddings, LayerNorms and parameters stay float32.</summary>
    public ComputePrecision Precision
    {
        get => layers.Count > 0 && layers[0].Compute is not null ? ComputePrecision.BFloat16 : ComputePrecision.Float32;
        set
        {
            foreach (var layer in layers) layer.Compute = value == ComputePrecision.BFloat16 ? ScalarType.BFloat16 : null;
        }
    }

    /// <param name="inputIds">[B, T] int64</param>
    /// <param name="typeIds">[B, T] int64 (0 for the first segment, 1 for the second)</param>
    /// <param name="attentionMask">[B, T], 1 for real tokens and 0 for padding (any integer or bool dtype)</param>
    /// <returns>last_hidden_state [B, T, H]; padded positions hold values that callers must mask out.</returns>
    public override Tensor forward(Tensor inputIds, Tensor typeIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        long t = inputIds.shape[1];
        if (t > Config.MaxPositions) throw new ArgumentException($"Sequence length {t} exceeds {Config.MaxPositions} positions.");
        var positions = arange(t, dtype: int64, device: inputIds.device);
        var x = word_embeddings.forward(inputIds) + position_embeddings.forward(positions) + token_type_embeddings.forward(typeIds);
        x = embedding_norm.forward(x);
        // Boolean mask over keys, broadcast over heads and queries: true = attend.
        var keep = attentionMask.to_type(ScalarType.Bool).unsqueeze(1).unsqueeze(1);
        foreach (var layer in layers) x = layer.forward(x, keep);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Builds an encoder from an ONNX export of a HuggingFace BertModel. Embeddings, biases and LayerNorms are found by their
    /// PyTorch names; Linear weights by name if present, else through the graph (the MatMul that feeds the bias' Add).
    /// Only the first config.Layers layers are loaded.
    /// </summary>
    public static BertEncoder FromOnnx(OnnxWeights onnx, BertConfig config)
    {
        var encoder = new BertEncoder(config);
        encoder.Load(onnx);
        encoder.eval();
        return encoder;
    }

    private void Load(OnnxWeights onnx)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Copy(word_embeddings.weight!, onnx["embeddings.word_embeddings.weight"]);
        Copy(position_embeddings.weight!, onnx["embeddings.position_embeddings.weight"]);
        Copy(token_type_embeddings.weight!, onnx["embeddings.token_type_embeddings.weight"]);
        Copy(embedding_norm.weight!, onnx["embeddings.LayerNorm.weight"]);
        Copy(embedding_norm.bias!, onnx["embeddings.LayerNorm.bias"]);

        for (int i = 0; i < Config.Layers; i++)
        {
            var layer = layers[i];
            string p = $"encoder.layer.{i}.";
            // Fused QKV: stack the three [out, in] weights along the output dimension.
            string[] qkv = ["attention.self.query", "attention.self.key", "attention.self.value"];
            layer.qkv.weight!.copy_(cat(qkv.Select(n => LinearWeight(onnx, p + n)).ToArray(), 0));
            layer.qkv.bias!.copy_(cat(qkv.Select(n => ToTensor(onnx[p + n + ".bias"])).ToArray(), 0));
            LoadLinear(layer.attention_out, onnx, p + "attention.output.dense");
            Copy(layer.attention_norm.weight!, onnx[p + "attention.output.LayerNorm.weight"]);
            Copy(layer.attention_norm.bias!, onnx[p + "attention.output.LayerNorm.bias"]);
            LoadLinear(layer.intermediate, onnx, p + "intermediate.dense");
            LoadLinear(layer.output, onnx, p + "output.dense");
            Copy(layer.output_norm.weight!, onnx[p + "output.LayerNorm.weight"]);
            Copy(layer.output_norm.bias!, onnx[p + "output.LayerNorm.bias"]);
        }
    }

    private static void LoadLinear(Linear linear, OnnxWeights onnx, string prefix)
    {
        linear.weight!.copy_(LinearWeight(onnx, prefix));
        Copy(linear.bias!, onnx[prefix + ".bias"]);
    }

    /// <summary>A Linear weight in PyTorch layout [out, in].</summary>
    private static Tensor LinearWeight(OnnxWeights onnx, string prefix)
    {
        if (onnx.Initializers.TryGetValue(prefix + ".weight", out var named)) return ToTensor(named);
        // MatMul computes x @ W with W [in, out]: transpose to the Linear layout.
        return ToTensor(onnx.MatMulWeightForBias(prefix + ".bias")).t();
    }

    private static void Copy(Tensor target, OnnxTensor source)
    {
        var value = ToTensor(source);
        if (!value.shape.SequenceEqual(target.shape))
            throw new InvalidDataException(
                $"ONNX tensor '{source.Name}' has shape [{string.Join(",", value.shape)}], expected [{string.Join(",", target.shape)}].");
        target.copy_(value);
    }

    private static Tensor ToTensor(OnnxTensor t)
    {
        if (t.DataType != OnnxTensor.Float) throw new InvalidDataException($"ONNX tensor '{t.Name}' is not float32.");
        return tensor(t.Data, t.Dims);
    }
}
