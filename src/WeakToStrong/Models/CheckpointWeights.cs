using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// Named tensors of a checkpoint, looked up with the errors a user can act on: which tensor is missing, which has the wrong
/// shape (both shapes). Hugging Face task models nest the base model under a prefix ("bert.", "transformer."); the prefix
/// is found from one tensor every checkpoint of the architecture has.
/// </summary>
internal sealed class CheckpointWeights
{
    private readonly IReadOnlyDictionary<string, Tensor> _tensors;
    private readonly string _prefix;

    public CheckpointWeights(IReadOnlyDictionary<string, Tensor> tensors, string source, string anchor)
    {
        _tensors = tensors;
        Source = source;
        var hit = tensors.Keys.Where(k => k == anchor || k.EndsWith("." + anchor, StringComparison.Ordinal)).OrderBy(k => k.Length).FirstOrDefault()
            ?? throw new UserInputException(source, $"has no tensor '{anchor}' (under any prefix); is it the right architecture? " +
                                                    $"It has {tensors.Count} tensors, e.g. {string.Join(", ", tensors.Keys.Take(5))}");
        _prefix = hit[..^anchor.Length];
    }

    public string Source { get; }

    private const string Mismatch = "The sizes in config.json (layers, widths, vocabulary) must be those of the weights: check that both files belong to the same model.";

    public bool Contains(string name) => _tensors.ContainsKey(_prefix + name);

    /// <summary>The tensor called name (after the prefix), checked against the shape the model expects.</summary>
    public Tensor Get(string name, params long[] shape)
    {
        if (!_tensors.TryGetValue(_prefix + name, out var value))
            throw new UserInputException(Source, $"has no tensor '{_prefix + name}'", Mismatch);
        if (!value.shape.SequenceEqual(shape))
            throw new UserInputException(Source,
                $"tensor '{_prefix + name}' has shape [{string.Join(", ", value.shape)}], the model expects [{string.Join(", ", shape)}]", Mismatch);
        return value.to_type(ScalarType.Float32);
    }
}
