using System.Collections;
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// Bring your own checkpoint: a local Hugging Face model folder, named on the command line as <c>hf:/path/to/folder</c>.
/// Supported: BERT-family encoders (config.json with model_type "bert", vocab.txt, and model.safetensors,
/// pytorch_model.bin or model.onnx) and GPT-2-family decoders (config.json with model_type "gpt2", vocab.json,
/// merges.txt, and model.safetensors or pytorch_model.bin).
/// </summary>
public static class HuggingFaceCheckpoint
{
    public const string Prefix = "hf:";

    public static readonly IReadOnlyList<string> Architectures = ["bert", "gpt2"];

    /// <summary>The catalog entry of a folder: reads only config.json, so a bad folder fails before any training.</summary>
    public static ModelSpec Spec(string folder, int maxLength = 128)
    {
        var (architecture, config) = ReadConfig(folder);
        int layers = config[architecture == "bert" ? "num_hidden_layers" : "n_layer"]?.GetValue<int>() ?? 0;
        int positions = config[architecture == "bert" ? "max_position_embeddings" : "n_positions"]?.GetValue<int>() ?? maxLength;
        // The reference's rates: 5e-5 for small models; large ones (here: over 24 layers) 1e-5.
        double lr = layers > 24 ? 1e-5 : 5e-5;
        return new ModelSpec(Prefix + folder, $"{architecture} checkpoint from {folder}", layers, Math.Min(maxLength, positions), lr,
            $"local Hugging Face folder {Path.GetFullPath(folder)}", classes => Load(folder, classes, maxLength)) { MinSteps = ModelCatalog.TransformerMinSteps };
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
        if (architecture != "bert") throw new InvalidDataException($"{ConfigPath(folder)} describes a {architecture} model, not bert.");
        var config = new BertConfig(
            Int(json, "vocab_size", folder), Int(json, "hidden_size", folder), Int(json, "num_hidden_layers", folder),
            Int(json, "num_attention_heads", folder), Int(json, "intermediate_size", folder), Int(json, "max_position_embeddings", folder),
            json["type_vocab_size"]?.GetValue<int>() ?? 2, json["layer_norm_eps"]?.GetValue<double>() ?? 1e-12);
        string act = json["hidden_act"]?.GetValue<string>() ?? "gelu";
        if (act != "gelu") throw new NotSupportedException($"{ConfigPath(folder)}: hidden_act '{act}' is not supported (only gelu).");
        string positions = json["position_embedding_type"]?.GetValue<string>() ?? "absolute";
        if (positions != "absolute") throw new NotSupportedException($"{ConfigPath(folder)}: position_embedding_type '{positions}' is not supported (only absolute).");
        if (ReadJson(Path.Combine(folder, "tokenizer_config.json"))?["do_lower_case"]?.GetValue<bool>() == false)
            throw new NotSupportedException($"{folder}: a cased vocabulary (do_lower_case false) is not supported; the WordPiece tokenizer here is uncased.");

        WordPieceTokenizer tokenizer;
        using (var vocab = File.OpenRead(Required(folder, "vocab.txt"))) tokenizer = WordPieceTokenizer.FromVocab(vocab);

        var file = WeightsFile(folder, allowOnnx: true);
        var encoder = Path.GetExtension(file) == ".onnx"
            ? BertEncoder.FromOnnx(OnnxWeights.Read(File.OpenRead(file)), config, file)
            : BertEncoder.FromHuggingFace(ReadStateDict(file), config, file);
        return (encoder, tokenizer);
    }

    public static (Gpt2Model Decoder, Tokenizer Tokenizer) LoadGpt2(string folder)
    {
        var (architecture, json) = ReadConfig(folder);
        if (architecture != "gpt2") throw new InvalidDataException($"{ConfigPath(folder)} describes a {architecture} model, not gpt2.");
        var config = new Gpt2Config(Int(json, "vocab_size", folder), Int(json, "n_embd", folder), Int(json, "n_layer", folder),
            Int(json, "n_head", folder), Int(json, "n_positions", folder), json["n_inner"]?.GetValue<int?>(),
            json["layer_norm_epsilon"]?.GetValue<double>() ?? 1e-5);
        string act = json["activation_function"]?.GetValue<string>() ?? "gelu_new";
        if (act != "gelu_new") throw new NotSupportedException($"{ConfigPath(folder)}: activation_function '{act}' is not supported (only gelu_new).");

        Tokenizer tokenizer;
        using (var vocab = File.OpenRead(Required(folder, "vocab.json")))
        using (var merges = File.OpenRead(Required(folder, "merges.txt")))
            tokenizer = CodeGenTokenizer.Create(vocab, merges); // GPT-2's byte-level BPE, no prefix space, no BOS/EOS
        var file = WeightsFile(folder, allowOnnx: false);
        return (Gpt2Model.FromHuggingFace(ReadStateDict(file), config, file), tokenizer);
    }

    /// <summary>A state dict from model.safetensors or pytorch_model.bin (a zip of pickled tensors, read by TorchSharp.PyBridge).</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string file)
    {
        if (file.EndsWith(".safetensors", StringComparison.Ordinal)) return SafeTensors.Read(file);
        Hashtable table;
        using (var stream = File.OpenRead(file)) table = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(stream);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
            if (entry.Value is Tensor t) result[(string)entry.Key] = t;
        return result;
    }

    private static (string Architecture, JsonObject Config) ReadConfig(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Model folder not found: {folder}");
        var json = ReadJson(Required(folder, "config.json"))!;
        var type = json["model_type"]?.GetValue<string>()
                   ?? json["architectures"]?.AsArray().Select(a => a!.GetValue<string>().ToLowerInvariant())
                       .Select(a => a.StartsWith("bert") ? "bert" : a.StartsWith("gpt2") ? "gpt2" : a).FirstOrDefault()
                   ?? "(none)";
        if (!Architectures.Contains(type))
            throw new NotSupportedException(
                $"{ConfigPath(folder)}: model_type '{type}' is not supported; supported: {string.Join(", ", Architectures)} " +
                "(BERT-family encoders and GPT-2-family decoders).");
        return (type, json);
    }

    private static string WeightsFile(string folder, bool allowOnnx)
    {
        string[] candidates = allowOnnx
            ? ["model.safetensors", "pytorch_model.bin", "model.onnx", Path.Combine("onnx", "model.onnx")]
            : ["model.safetensors", "pytorch_model.bin"];
        return candidates.Select(c => Path.Combine(folder, c)).FirstOrDefault(File.Exists)
               ?? throw new FileNotFoundException($"{folder} has no weights file: expected one of {string.Join(", ", candidates)}.");
    }

    private static string Required(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Missing file {path} (a Hugging Face model folder needs it).", path);
    }

    private static JsonObject? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(File.ReadAllText(path))!.AsObject(); }
        catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e); }
    }

    private static int Int(JsonObject json, string key, string folder) =>
        json[key]?.GetValue<int>() ?? throw new InvalidDataException($"{ConfigPath(folder)} lacks '{key}'.");

    private static string ConfigPath(string folder) => Path.Combine(folder, "config.json");
}
