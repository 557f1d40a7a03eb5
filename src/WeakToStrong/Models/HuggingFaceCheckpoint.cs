using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// Bring your own checkpoint: a local Hugging Face model folder, named on the command line as <c>hf:/path/to/folder</c>.
/// Supported: BERT-family encoders (config.json with model_type "bert", vocab.txt, and model.safetensors,
/// pytorch_model.bin or model.onnx) and GPT-2-family decoders (config.json with model_type "gpt2", vocab.json,
/// merges.txt, and model.safetensors or pytorch_model.bin). Every problem with a folder is a <see cref="UserInputException"/>
/// naming the file; <see cref="Check"/> finds them all before any training.
/// </summary>
internal static class HuggingFaceCheckpoint
{
    public const string Prefix = "hf:";

    public static readonly IReadOnlyList<string> Architectures = ["bert", "gpt2"];

    private const string Redownload = "The folder is damaged or incomplete: download or export it again.";

    /// <summary>The catalog entry of a folder: reads only config.json, so a bad folder fails before any training.</summary>
    public static ModelSpec Spec(string folder, int maxLength = 128)
    {
        var (architecture, config) = ReadConfig(folder);
        int layers = architecture == "bert" ? ReadBertConfig(folder, config).Layers : ReadGpt2Config(folder, config).Layers;
        int positions = architecture == "bert" ? ReadBertConfig(folder, config).MaxPositions : ReadGpt2Config(folder, config).Positions;
        // The paper's public code's rates: 5e-5 for small models; large ones (here: over 24 layers) 1e-5.
        double lr = layers > 24 ? 1e-5 : 5e-5;
        return new ModelSpec(Prefix + folder, $"{architecture} checkpoint from {folder}", layers, Math.Min(maxLength, positions), lr,
            $"local Hugging Face folder {Path.GetFullPath(folder)}", classes => Load(folder, classes, maxLength)) { MinSteps = ModelCatalog.TransformerMinSteps };
    }

    /// <summary>Loads the whole folder once (config, tokenizer, every weight against the config) and frees it: the
    /// check to run before training, so a damaged file does not surface after the weak stage has trained.</summary>
    public static void Check(string folder)
    {
        using var model = Load(folder, 2);
    }

    /// <summary>A classifier on the folder's model: mean-pooled BERT or last-token GPT-2, with a zero-initialised head.</summary>
    public static PooledClassifier Load(string folder, int classes, int maxLength = 128)
    {
        var (architecture, _) = ReadConfig(folder);
        if (architecture == "bert")
        {
            var (encoder, tokenizer) = LoadBert(folder);
            return new BertClassifier(encoder, tokenizer, classes, Math.Min(maxLength, encoder.Config.MaxPositions));
        }
        var (decoder, bpe) = LoadGpt2(folder);
        return new Gpt2Classifier(decoder, bpe, classes, Math.Min(maxLength, decoder.Config.Positions));
    }

    public static (BertEncoder Encoder, WordPieceTokenizer Tokenizer) LoadBert(string folder)
    {
        var (architecture, json) = ReadConfig(folder);
        if (architecture != "bert") throw new UserInputException(ConfigPath(folder), $"describes a {architecture} model, not bert");
        var config = ReadBertConfig(folder, json);
        if (ReadJson(Path.Combine(folder, "tokenizer_config.json"))?["do_lower_case"] is JsonValue lower && lower.TryGetValue<bool>(out var lowerCase) && !lowerCase)
            throw new UserInputException(Path.Combine(folder, "tokenizer_config.json"),
                "a cased vocabulary (do_lower_case false) is not supported; the WordPiece tokenizer here is uncased");

        var vocabPath = Required(folder, "vocab.txt");
        WordPieceTokenizer tokenizer;
        try
        {
            using var vocab = File.OpenRead(vocabPath);
            tokenizer = WordPieceTokenizer.FromVocab(vocab);
        }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException)
        {
            throw new UserInputException(vocabPath, $"is not a usable WordPiece vocabulary ({e.Message})", Redownload, e);
        }

        var file = WeightsFile(folder, allowOnnx: true);
        if (Path.GetExtension(file) == ".onnx")
            return (Loading(file, () => BertEncoder.FromOnnx(OnnxWeights.Read(File.OpenRead(file)), config, file)), tokenizer);
        var state = ReadStateDict(file);
        // Sizes first, so a config that disagrees with the weights fails on a named tensor before the model is allocated.
        var weights = new CheckpointWeights(state, file, "embeddings.word_embeddings.weight");
        weights.Get("embeddings.word_embeddings.weight", config.VocabSize, config.Hidden);
        weights.Get("embeddings.position_embeddings.weight", config.MaxPositions, config.Hidden);
        weights.Get($"encoder.layer.{config.Layers - 1}.intermediate.dense.weight", config.Intermediate, config.Hidden);
        return (Loading(file, () => BertEncoder.FromHuggingFace(state, config, file)), tokenizer);
    }

    public static (Gpt2Model Decoder, Tokenizer Tokenizer) LoadGpt2(string folder)
    {
        var (architecture, json) = ReadConfig(folder);
        if (architecture != "gpt2") throw new UserInputException(ConfigPath(folder), $"describes a {architecture} model, not gpt2");
        var config = ReadGpt2Config(folder, json);

        var vocabPath = Required(folder, "vocab.json");
        var mergesPath = Required(folder, "merges.txt");
        Tokenizer tokenizer;
        try
        {
            using var vocab = File.OpenRead(vocabPath);
            using var merges = File.OpenRead(mergesPath);
            tokenizer = CodeGenTokenizer.Create(vocab, merges); // GPT-2's byte-level BPE, no prefix space, no BOS/EOS
        }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException)
        {
            throw new UserInputException($"{vocabPath} and {mergesPath}", $"are not a usable byte-level BPE vocabulary ({e.Message})", Redownload, e);
        }
        var file = WeightsFile(folder, allowOnnx: false);
        var state = ReadStateDict(file);
        var weights = new CheckpointWeights(state, file, "wte.weight");
        weights.Get("wte.weight", config.VocabSize, config.Embedding);
        weights.Get("wpe.weight", config.Positions, config.Embedding);
        weights.Get($"h.{config.Layers - 1}.mlp.c_fc.weight", config.Embedding, config.InnerSize);
        return (Loading(file, () => Gpt2Model.FromHuggingFace(state, config, file)), tokenizer);
    }

    /// <summary>A state dict from model.safetensors or pytorch_model.bin (a zip of pickled tensors, read by TorchSharp.PyBridge).</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string file)
    {
        if (file.EndsWith(".safetensors", StringComparison.Ordinal)) return SafeTensors.Read(file);
        Hashtable table;
        try
        {
            using var stream = File.OpenRead(file);
            table = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException)
        {
            throw new UserInputException(file, $"cannot be read as a PyTorch checkpoint ({e.Message})", Redownload, e);
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
            if (entry.Value is Tensor t && entry.Key is string key) result[key] = t;
        return result;
    }

    /// <summary>Builds a model from a weights file; what goes wrong there is the file's (or config.json's) fault.</summary>
    private static T Loading<T>(string file, Func<T> load)
    {
        try { return load(); }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException)
        {
            throw new UserInputException(file, $"cannot be loaded with the sizes in config.json ({e.Message})",
                "Check that config.json belongs to these weights, or download the folder again.", e);
        }
    }

    private static BertConfig ReadBertConfig(string folder, JsonObject json)
    {
        var config = new BertConfig(
            Int(json, "vocab_size", folder), Int(json, "hidden_size", folder), Int(json, "num_hidden_layers", folder),
            Int(json, "num_attention_heads", folder), Int(json, "intermediate_size", folder), Int(json, "max_position_embeddings", folder),
            Int(json, "type_vocab_size", folder, 2), Double(json, "layer_norm_eps", folder, 1e-12));
        string act = Text(json, "hidden_act", folder, "gelu");
        if (act != "gelu") throw new UserInputException(ConfigPath(folder), $"hidden_act '{act}' is not supported (only gelu)");
        string positions = Text(json, "position_embedding_type", folder, "absolute");
        if (positions != "absolute") throw new UserInputException(ConfigPath(folder), $"position_embedding_type '{positions}' is not supported (only absolute)");
        if (config.Hidden % config.Heads != 0)
            throw new UserInputException(ConfigPath(folder), $"hidden_size {config.Hidden} is not a multiple of num_attention_heads {config.Heads}", "Fix config.json.");
        return config;
    }

    private static Gpt2Config ReadGpt2Config(string folder, JsonObject json)
    {
        int? inner = json["n_inner"] is null ? null : Int(json, "n_inner", folder);
        var config = new Gpt2Config(Int(json, "vocab_size", folder), Int(json, "n_embd", folder), Int(json, "n_layer", folder),
            Int(json, "n_head", folder), Int(json, "n_positions", folder), inner, Double(json, "layer_norm_epsilon", folder, 1e-5));
        string act = Text(json, "activation_function", folder, "gelu_new");
        if (act != "gelu_new") throw new UserInputException(ConfigPath(folder), $"activation_function '{act}' is not supported (only gelu_new)");
        if (config.Embedding % config.Heads != 0)
            throw new UserInputException(ConfigPath(folder), $"n_embd {config.Embedding} is not a multiple of n_head {config.Heads}", "Fix config.json.");
        return config;
    }

    private static (string Architecture, JsonObject Config) ReadConfig(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder))
            throw new UserInputException("", "hf: needs a model folder after it", "e.g. hf:/path/to/bert-base-uncased.");
        if (File.Exists(folder))
            throw new UserInputException(folder, "is a file; hf: takes a model folder (config.json, the tokenizer files and the weights)");
        if (!Directory.Exists(folder))
            throw new UserInputException(folder, "model folder not found", "hf: takes a local folder, e.g. hf:/path/to/bert-base-uncased.");
        var json = ReadJson(Required(folder, "config.json"))!;
        string? type = json["model_type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s
            : json["architectures"] is JsonArray a ? a.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var n) ? n.ToLowerInvariant() : "")
                .Select(n => n.StartsWith("bert") ? "bert" : n.StartsWith("gpt2") ? "gpt2" : n).FirstOrDefault(n => n.Length > 0)
            : null;
        if (type is null || !Architectures.Contains(type))
            throw new UserInputException(ConfigPath(folder),
                $"model_type '{type ?? "(none)"}' is not supported; supported: {string.Join(", ", Architectures)} (BERT-family encoders and GPT-2-family decoders)");
        return (type, json);
    }

    private static string WeightsFile(string folder, bool allowOnnx)
    {
        string[] candidates = allowOnnx
            ? ["model.safetensors", "pytorch_model.bin", "model.onnx", Path.Combine("onnx", "model.onnx")]
            : ["model.safetensors", "pytorch_model.bin"];
        return candidates.Select(c => Path.Combine(folder, c)).FirstOrDefault(File.Exists)
               ?? throw new UserInputException(folder, $"has no weights file: expected one of {string.Join(", ", candidates)}", Redownload);
    }

    private static string Required(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : throw new UserInputException(path, "is missing (a Hugging Face model folder needs it)", Redownload);
    }

    private static JsonObject? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new UserInputException(path, "is not a JSON object", Redownload);
        }
        catch (JsonException e) { throw new UserInputException(path, $"is not valid JSON ({e.Message.Split(" Path:")[0]})", Redownload, e); }
    }

    private static int Int(JsonObject json, string key, string folder, int? fallback = null)
    {
        var node = json[key];
        if (node is null)
            return fallback ?? throw new UserInputException(ConfigPath(folder), $"lacks '{key}'", "config.json must give every size of the model.");
        if (node is JsonValue v && v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= 1 and <= int.MaxValue) return (int)d;
        throw new UserInputException(ConfigPath(folder), $"'{key}' must be a positive integer, not {node.ToJsonString()}", "Fix config.json.");
    }

    private static double Double(JsonObject json, string key, string folder, double fallback)
    {
        var node = json[key];
        if (node is null) return fallback;
        if (node is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) && d > 0) return d;
        throw new UserInputException(ConfigPath(folder), $"'{key}' must be a positive number, not {node.ToJsonString()}", "Fix config.json.");
    }

    private static string Text(JsonObject json, string key, string folder, string fallback)
    {
        var node = json[key];
        if (node is null) return fallback;
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        throw new UserInputException(ConfigPath(folder), $"'{key}' must be a string, not {node.ToJsonString()}", "Fix config.json.");
    }

    private static string ConfigPath(string folder) => Path.Combine(folder, "config.json");
}
