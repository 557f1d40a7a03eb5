using System.Security.Cryptography;
using System.Text;

namespace WeakToStrong.Data;

/// <summary>
/// One model input without a label, as one or two strings. What the strings hold depends
/// on the task's <see cref="InputKinds"/>: a text or a pair of texts (encoded the way BERT encodes sentence pairs), an
/// image serialised into <see cref="Text"/>, a chess position (a FEN, with its legal moves
/// in <see cref="TextPair"/>) or a preference pair. One type for every track lets the protocol, caches and result files
/// be shared.
/// </summary>
public sealed record ModelInput(string Id, string Text, string? TextPair = null)
{
    /// <summary>A stable id from the content, so the same text always gets the same id across runs and files.</summary>
    public static string ContentId(string text, string? textPair)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(text + "\u001f" + (textPair ?? "")));
        return Convert.ToHexStringLower(bytes, 0, 8);
    }

    public static ModelInput Of(string text, string? textPair = null) => new(ContentId(text, textPair), text, textPair);
}

/// <summary>A ground-truth labelled example. Label is a class index in [0, classes).</summary>
public sealed record Example(ModelInput Input, int Label)
{
    public string Id => Input.Id;

    public static Example Of(string text, string? textPair, int label) => new(ModelInput.Of(text, textPair), label);
}

/// <summary>What a trainer sees: an input and a target distribution over classes (one-hot for ground truth, soft for weak labels).</summary>
public sealed record TrainingExample(ModelInput Input, float[] Target);
