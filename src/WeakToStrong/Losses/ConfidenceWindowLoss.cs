using static TorchSharp.torch;

namespace WeakToStrong.Losses;

/// <summary>
/// `window`: cross-entropy on the weak labels only for examples where the student is still unsure (its top probability is
/// below 0.5 + radius, with the radius scaled for K classes as 1/K + radius); confident examples are left alone.
/// Summed and divided by the whole batch size, so fewer uncertain examples mean a smaller step.
/// </summary>
internal sealed class ConfidenceWindowLoss(double radius = 0.15) : ILoss
{
    public string Name => "window";

    public Tensor Compute(Tensor logits, Tensor targets, double stepFraction)
    {
        var top = nn.functional.softmax(logits.detach(), -1).max(-1).values;
        var uncertain = top.lt(1.0 / logits.shape[1] + radius).to(logits.dtype);
        var perExample = -(targets * nn.functional.log_softmax(logits, -1)).sum(-1);
        return (perExample * uncertain).sum() / logits.shape[0];
    }
}
