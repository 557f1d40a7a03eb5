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
        get => Casts is null ? ComputePrecision.Float32 : ComputePrecision.BFloat16;
        set
        {
            if (value == Precision) return;
            Casts = value == ComputePrecision.BFloat16 ? new LowPrecisionCasts(ScalarType.BFloat16) : null;
            foreach (var layer in layers) layer.Low = Casts;
        }
    }

    /// <summary>The bf16 views of the matmul weights, shared by all layers; null in float32.</summary>
    public LowPrecisionCasts? Casts { get; private set; }

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
        // Boolean mask over keys, broadcast over heads and queries: true = attend. A batch without padding passes no mask,
        // which lets scaled_dot_product_attention take its fused kernel (length-sorted batches are often unpadded).
        var real = attentionMask.to_type(ScalarType.Bool);
        Tensor? keep = real.all().item<bool>() ? null : real.unsqueeze(1).unsqueeze(1);
        foreach (var layer in layers) x = layer.forward(x, keep);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Builds an encoder from an ONNX export of a HuggingFace BertModel. Embeddings, biases and LayerNorms are found by their
    /// PyTorch names; Linear weights by name if present, else through the graph (the MatMul that feeds the bias' Add).
    /// Only the first config.Layers layers are loaded.
    /// </summary>
    public static BertEncoder FromOnnx(OnnxWeights onnx, BertConfig config, string source = "ONNX model")
    {
        var encoder = new BertEncoder(config);
        encoder.Load((name, shape) =>
        {
            if (onnx.Initializers.TryGetValue(name, out var named)) return Checked(ToTensor(named), name, shape, source);
            // MatMul computes x @ W with W [in, out]: transpose to the Linear layout.
            if (name.EndsWith(".weight", StringComparison.Ordinal) && !name.Contains("LayerNorm") && !name.StartsWith("embeddings."))
                return Checked(ToTensor(onnx.MatMulWeightForBias(name[..^".weight".Length] + ".bias")).t(), name, shape, source);
            throw new InvalidDataException($"{source} has no initializer '{name}'.");
        });
        encoder.eval();
        return encoder;
    }

    /// <summary>
    /// Builds an encoder from tensors with Hugging Face BertModel names in PyTorch layout (a safetensors or pytorch_model.bin
    /// state dict; a task model's "bert." prefix is skipped). Only the first config.Layers layers are loaded.
    /// </summary>
    public static BertEncoder FromHuggingFace(IReadOnlyDictionary<string, Tensor> tensors, BertConfig config, string source = "checkpoint")
    {
        var weights = new CheckpointWeights(tensors, source, "embeddings.word_embeddings.weight");
        var encoder = new BertEncoder(config);
        encoder.Load((name, shape) =>
        {
            // Checkpoints from the original TensorFlow port call LayerNorm's parameters gamma and beta.
            if (!weights.Contains(name) && name.Contains("LayerNorm."))
                name = name.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta");
            return weights.Get(name, shape);
        });
        encoder.eval();
        return encoder;
    }

    /// <summary>This encoder's weights under Hugging Face BertModel names (Q, K and V split again), e.g. to save as safetensors.</summary>
    public Dictionary<string, Tensor> ToHuggingFace()
    {
        using var noGrad = no_grad();
        var result = new Dictionary<string, Tensor>
        {
            ["embeddings.word_embeddings.weight"] = word_embeddings.weight!.detach().clone(),
            ["embeddings.position_embeddings.weight"] = position_embeddings.weight!.detach().clone(),
            ["embeddings.token_type_embeddings.weight"] = token_type_embeddings.weight!.detach().clone(),
            ["embeddings.LayerNorm.weight"] = embedding_norm.weight!.detach().clone(),
            ["embeddings.LayerNorm.bias"] = embedding_norm.bias!.detach().clone(),
        };
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            string p = $"encoder.layer.{i}.";
            var w = layer.qkv.weight!.detach().chunk(3, 0);
            var b = layer.qkv.bias!.detach().chunk(3, 0);
            string[] names = ["query", "key", "value"];
            for (int k = 0; k < 3; k++)
            {
                result[p + $"attention.self.{names[k]}.weight"] = w[k].clone();
                result[p + $"attention.self.{names[k]}.bias"] = b[k].clone();
            }
            void Put(string name, nn.Module module)
            {
                foreach (var (n, t) in module.named_parameters()) result[p + name + "." + n] = t.detach().clone();
            }
            Put("attention.output.dense", layer.attention_out);
            Put("attention.output.LayerNorm", layer.attention_norm);
            Put("intermediate.dense", layer.intermediate);
            Put("output.dense", layer.output);
            Put("output.LayerNorm", layer.output_norm);
        }
        return result;
    }

    /// <summary>Copies every parameter from get(name, expected shape), which returns a PyTorch-layout float32 tensor.</summary>
    private void Load(Func<string, long[], Tensor> get)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long h = Config.Hidden, f = Config.Intermediate;
        InPlace.Copy(word_embeddings.weight!, get("embeddings.word_embeddings.weight", [Config.VocabSize, h]));
        InPlace.Copy(position_embeddings.weight!, get("embeddings.position_embeddings.weight", [Config.MaxPositions, h]));
        InPlace.Copy(token_type_embeddings.weight!, get("embeddings.token_type_embeddings.weight", [Config.TypeVocabSize, h]));
        LoadNorm(embedding_norm, get, "embeddings.LayerNorm", h);

        for (int i = 0; i < Config.Layers; i++)
        {
            var layer = layers[i];
            string p = $"encoder.layer.{i}.";
            // Fused QKV: stack the three [out, in] weights along the output dimension.
            string[] qkv = ["attention.self.query", "attention.self.key", "attention.self.value"];
            InPlace.Copy(layer.qkv.weight!, cat(qkv.Select(n => get(p + n + ".weight", [h, h])).ToArray(), 0));
            InPlace.Copy(layer.qkv.bias!, cat(qkv.Select(n => get(p + n + ".bias", [h])).ToArray(), 0));
            LoadLinear(layer.attention_out, get, p + "attention.output.dense", h, h);
            LoadNorm(layer.attention_norm, get, p + "attention.output.LayerNorm", h);
            LoadLinear(layer.intermediate, get, p + "intermediate.dense", f, h);
            LoadLinear(layer.output, get, p + "output.dense", h, f);
            LoadNorm(layer.output_norm, get, p + "output.LayerNorm", h);
        }
    }

    private static void LoadLinear(Linear linear, Func<string, long[], Tensor> get, string prefix, long outputs, long inputs)
    {
        InPlace.Copy(linear.weight!, get(prefix + ".weight", [outputs, inputs]));
        InPlace.Copy(linear.bias!, get(prefix + ".bias", [outputs]));
    }

    private static void LoadNorm(LayerNorm norm, Func<string, long[], Tensor> get, string prefix, long size)
    {
        InPlace.Copy(norm.weight!, get(prefix + ".weight", [size]));
        InPlace.Copy(norm.bias!, get(prefix + ".bias", [size]));
    }

    private static Tensor Checked(Tensor value, string name, long[] shape, string source) =>
        value.shape.SequenceEqual(shape)
            ? value
            : throw new InvalidDataException(
                $"{source}: tensor '{name}' has shape [{string.Join(", ", value.shape)}], the model expects [{string.Join(", ", shape)}].");

    private static Tensor ToTensor(OnnxTensor t)
    {
        if (t.DataType != OnnxTensor.Float) throw new InvalidDataException($"ONNX tensor '{t.Name}' is not float32.");
        return tensor(t.Data, t.Dims);
    }
}
