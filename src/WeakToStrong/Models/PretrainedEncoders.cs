using System.Collections.Concurrent;
using System.Reflection;

namespace WeakToStrong.Models;

/// <summary>The pretrained sentence encoders available offline, each shipped as resources inside a NuGet package DLL.</summary>
public enum PretrainedEncoder
{
    /// <summary>sentence-transformers/all-MiniLM-L6-v2 (mean-pooled).</summary>
    MiniLM,

    /// <summary>Snowflake/snowflake-arctic-embed-xs (a MiniLM-L6 derivative, same shape and vocabulary).</summary>
    ArcticXs,
}

/// <summary>
/// Loads a pretrained encoder and its tokenizer from the package DLL copied to &lt;app&gt;/pretrained/ by the build.
/// The DLL is opened only to read its manifest resources (model.onnx, vocab.txt); none of its code runs.
/// </summary>
internal static class PretrainedEncoders
{
    // Tokenizers are immutable and cheap to share; encoders are trainable modules, so every call builds a fresh one.
    private static readonly ConcurrentDictionary<PretrainedEncoder, WordPieceTokenizer> Tokenizers = new();

    public static BertConfig Config(PretrainedEncoder model) => BertConfig.MiniLmL6;

    /// <summary>Encoder with the first <paramref name="layers"/> layers of the checkpoint (1..6), and its tokenizer.</summary>
    public static (BertEncoder Encoder, WordPieceTokenizer Tokenizer) Load(PretrainedEncoder model, int layers = 6)
    {
        var config = Config(model);
        if (layers < 1 || layers > config.Layers)
            throw new ArgumentOutOfRangeException(nameof(layers), $"{model} has {config.Layers} layers; asked for {layers}.");
        OnnxWeights onnx;
        using (var stream = OpenResource(model, "model.onnx")) onnx = OnnxWeights.Read(stream);
        return (BertEncoder.FromOnnx(onnx, config with { Layers = layers }), Tokenizer(model));
    }

    public static WordPieceTokenizer Tokenizer(PretrainedEncoder model) =>
        Tokenizers.GetOrAdd(model, m =>
        {
            using var stream = OpenResource(m, "vocab.txt");
            return WordPieceTokenizer.FromVocab(stream);
        });

    /// <summary>Opens a resource of the package, e.g. "model.onnx" or "vocab.txt" (also used to run the ONNX reference).</summary>
    public static Stream OpenResource(PretrainedEncoder model, string resource)
    {
        string assemblyName = "SentenceTransformers." + model;
        string path = Path.Combine(AppContext.BaseDirectory, "pretrained", assemblyName + ".dll");
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"Pretrained encoder package DLL not found: {path}. It is copied there by building WeakToStrong " +
                $"(PackageDownload of {assemblyName}).", path);
        var assembly = Assembly.LoadFrom(path);
        string name = $"{assemblyName}.Resources.{resource}";
        return assembly.GetManifestResourceStream(name)
            ?? throw new InvalidDataException(
                $"{path} has no resource {name}; it has: {string.Join(", ", assembly.GetManifestResourceNames())}.");
    }
}
