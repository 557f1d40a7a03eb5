using System.Collections.Concurrent;
using TorchSharp;
using TorchSharp.Modules;
using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Models.Vision;

/// <summary>
/// `resnet18`: a linear probe on frozen pretrained ResNet18 features, as in the paper's vision experiments (appendix):
/// a bias-free linear head, zero-initialised like the paper's public code's, on the 512 pooled features. The body runs in ONNX
/// Runtime, so it cannot be finetuned here: every run of this model is a linear probe. Features are computed once an
/// image: kept in memory for the process and, unless W2S_FEATURE_CACHE=off, in the shared <see cref="FeatureCache"/>
/// keyed by the graphs' hash, the preprocessing version and the pixels.
/// </summary>
internal sealed class ResNet18Classifier : Classifier
{
    private readonly Linear head;
    private readonly ResNet18Features _body;
    private static readonly ConcurrentDictionary<string, float[]> Memory = new();

    public ResNet18Classifier(int classes) : this(classes, ResNet18Features.Shared) { }

    public ResNet18Classifier(int classes, ResNet18Features body) : base("resnet18")
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes));
        Classes = classes;
        _body = body;
        head = nn.Linear(ResNet18Features.Width, classes, hasBias: false);
        using (no_grad()) InPlace.Zero(head.weight!);
        RegisterComponents();
    }

    public override int Classes { get; }

    /// <summary>The persistent cache (default: <see cref="FeatureCache.Default"/>); null keeps features in this process' memory only.</summary>
    public FeatureCache? Features { get; set; } = FeatureCache.Default;

    public override EncodedInput Encode(ModelInput input) => ImageEncoding.Encode(input, "resnet18");

    public override Tensor Logits(IReadOnlyList<EncodedInput> batch)
    {
        var rows = batch.Select(Feature).ToArray();
        using var scope = NewDisposeScope();
        var features = tensor(rows.SelectMany(r => r).ToArray(), [batch.Count, ResNet18Features.Width]);
        return head.forward(features).MoveToOuterDisposeScope();
    }

    /// <summary>Computes the features of every input not yet cached, before training or prediction.</summary>
    public override void Prepare(IReadOnlyList<EncodedInput> inputs)
    {
        foreach (var input in inputs) Feature(input);
    }

    private float[] Feature(EncodedInput input)
    {
        // The feature cache keeps what it read or wrote in memory too; without one, a process-wide dictionary does.
        if (Features is { } cache)
        {
            if (cache.TryGet(_body.Key, input, out var found)) return found;
            var computed = _body.Embed(ImageEncoding.Image(input));
            cache.Put(_body.Key, input, computed);
            return computed;
        }
        var key = _body.Key + "|" + string.Concat(input.Ids.Select(v => (char)v)); // the pixels as chars: an exact key
        return Memory.GetOrAdd(key, _ => _body.Embed(ImageEncoding.Image(input)));
    }
}
