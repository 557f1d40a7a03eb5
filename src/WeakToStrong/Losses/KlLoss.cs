using static TorchSharp.torch;

namespace WeakToStrong.Losses;

/// <summary>`kl`: KL(y || softmax z). Same gradient as xent, but 0 when the student matches the weak labels exactly.</summary>
internal sealed class KlLoss : ILoss
{
    public string Name => "kl";

    public Tensor Compute(Tensor logits, Tensor targets, double stepFraction)
    {
        var targetEntropy = -(targets * targets.clamp_min(1e-12).log()).sum(-1).mean();
        return SoftCrossEntropy.Of(logits, targets) - targetEntropy;
    }
}
