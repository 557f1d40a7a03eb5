using System.Text.Json.Nodes;
using WeakToStrong.Models;
using static TorchSharp.torch;

namespace WeakToStrong.Tests.Errors;

/// <summary>A valid tiny BERT folder in the Hugging Face layout (config.json, vocab.txt, model.safetensors), for breaking on purpose.</summary>
internal static class TinyCheckpoint
{
    public static readonly BertConfig Config = new(VocabSize: 40, Hidden: 16, Layers: 1, Heads: 2, Intermediate: 32, MaxPositions: 24);

    public static string WriteBert(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), new JsonObject
        {
            ["model_type"] = "bert", ["vocab_size"] = Config.VocabSize, ["hidden_size"] = Config.Hidden, ["num_hidden_layers"] = Config.Layers,
            ["num_attention_heads"] = Config.Heads, ["intermediate_size"] = Config.Intermediate, ["max_position_embeddings"] = Config.MaxPositions,
            ["type_vocab_size"] = Config.TypeVocabSize, ["hidden_act"] = "gelu",
        }.ToJsonString());
        string[] special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), special.Concat(Enumerable.Range(0, Config.VocabSize - special.Length).Select(i => $"tok{i}")));
        manual_seed(1);
        using var encoder = new BertEncoder(Config);
        SafeTensors.Write(Path.Combine(folder, "model.safetensors"), encoder.ToHuggingFace());
        return folder;
    }

    /// <summary>A copy of a folder, to damage without touching the original.</summary>
    public static string Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        return to;
    }

    /// <summary>config.json with one field changed (null removes it).</summary>
    public static void EditConfig(string folder, string key, JsonNode? value)
    {
        var path = Path.Combine(folder, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        if (value is null) json.Remove(key);
        else json[key] = value;
        File.WriteAllText(path, json.ToJsonString());
    }
}
