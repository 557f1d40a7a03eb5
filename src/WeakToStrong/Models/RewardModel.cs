using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// A reward model for preference pairs: any text model of the ladder scores each transcript on its own, and the pair's
/// two logits are the two rewards, [r(second), r(first)]. Softmax then gives P(first preferred) = sigmoid(r1 − r2), so
/// cross-entropy against a one-hot label is the Bradley-Terry loss, against a soft weak label its soft version, and
/// every loss, weak label and metric of the classification track applies unchanged.
/// The scalar reward is the inner model's logit difference, r = z1 − z0: a linear head (zero at the start, like the
/// public code's heads) on the inner model's features.
/// </summary>
public sealed class RewardModel : Classifier
{
    private readonly Classifier inner;

    public RewardModel(Classifier inner) : base(nameof(RewardModel))
    {
        if (inner.Classes != 2) throw new ArgumentException("a reward model wraps a two-output text model", nameof(inner));
        this.inner = inner;
        RegisterComponents();
    }

    /// <summary>Wraps a text model of the ladder so that its Create builds reward models.</summary>
    public static ModelSpec Of(ModelSpec text) => text with
    {
        Create = classes => classes == 2
            ? new RewardModel(text.Create(2))
            : throw new ArgumentException($"preference tasks have two classes (first or second preferred), not {classes}"),
        Inputs = InputKinds.Preference,
    };

    /// <summary>The model that scores one transcript.</summary>
    public Classifier Inner => inner;

    public override int Classes => 2;

    /// <summary>Both transcripts' encodings packed into one: Ids = [ids of first, types of first, ids…, ids…].</summary>
    public override EncodedInput Encode(ModelInput input)
    {
        if (input.TextPair is null) throw new ArgumentException($"preference input {input.Id} has no second transcript");
        var first = inner.Encode(ModelInput.Of(input.Text));
        var second = inner.Encode(ModelInput.Of(input.TextPair));
        return new EncodedInput([first.Ids.Length, first.TypeIds.Length, .. first.Ids, .. second.Ids], [.. first.TypeIds, .. second.TypeIds]);
    }

    /// <summary>The two transcripts' own encodings.</summary>
    public static (EncodedInput First, EncodedInput Second) Unpack(EncodedInput packed)
    {
        int ids = (int)packed.Ids[0], types = (int)packed.Ids[1];
        var first = new EncodedInput(packed.Ids[2..(2 + ids)], packed.TypeIds[..types]);
        var second = new EncodedInput(packed.Ids[(2 + ids)..], packed.TypeIds[types..]);
        return (first, second);
    }

    /// <summary>[B, 2] logits: column 0 the second transcript's reward, column 1 the first's.</summary>
    public override Tensor Logits(IReadOnlyList<EncodedInput> batch)
    {
        using var scope = NewDisposeScope();
        var sides = batch.Select(Unpack).ToList();
        // One forward pass over all 2B transcripts: firsts, then seconds.
        var z = inner.Logits([.. sides.Select(s => s.First), .. sides.Select(s => s.Second)]);
        var reward = z[.., 1] - z[.., 0];
        int b = batch.Count;
        return stack([reward[b..], reward[..b]], 1).MoveToOuterDisposeScope();
    }

    /// <summary>Rewards of single transcripts (for inspection).</summary>
    public Tensor Rewards(IReadOnlyList<EncodedInput> transcripts)
    {
        using var scope = NewDisposeScope();
        var z = inner.Logits(transcripts);
        return (z[.., 1] - z[.., 0]).MoveToOuterDisposeScope();
    }

    public override void FreezeBody() => inner.FreezeBody();

    public override void Prepare(IReadOnlyList<EncodedInput> inputs) =>
        inner.Prepare(inputs.Select(Unpack).SelectMany(s => new[] { s.First, s.Second }).ToList());

    public override ComputePrecision Precision { get => inner.Precision; set => inner.Precision = value; }

    public override LowPrecisionCasts? Casts => inner.Casts;
}
