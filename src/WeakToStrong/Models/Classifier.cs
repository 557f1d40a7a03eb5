using TorchSharp;
using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>Model-specific encoding of one input (token ids, or hashed feature ids for bag-of-words).</summary>
public sealed record EncodedInput(long[] Ids, long[] TypeIds);

/// <summary>
/// Every model of the ladder: encodes inputs once (cached by the caller) and maps a batch of encodings to logits [batch, classes].
/// </summary>
public abstract class Classifier : nn.Module
{
    protected Classifier(string name) : base(name) { }

    public abstract int Classes { get; }

    public abstract EncodedInput Encode(ModelInput input);

    public abstract Tensor Logits(IReadOnlyList<EncodedInput> batch);

    /// <summary>Linear-probe mode: only the head trains.</summary>
    public virtual void FreezeBody() { }

    /// <summary>Called once with all inputs before a training run or a prediction pass (e.g. to fill a feature cache).</summary>
    public virtual void Prepare(IReadOnlyList<EncodedInput> inputs) { }

    /// <summary>Dtype of the body's matmuls (transformers); models without matmul-heavy bodies ignore it.</summary>
    public virtual ComputePrecision Precision { get => ComputePrecision.Float32; set { } }

    /// <summary>The body's low-precision weight views when <see cref="Precision"/> is not float32, else null.</summary>
    public virtual LowPrecisionCasts? Casts => null;
}
