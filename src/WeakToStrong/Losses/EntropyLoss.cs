using static TorchSharp.torch;

namespace WeakToStrong.Losses;

/// <summary>
/// `entropy`: the confidence loss without hardening: (1 - a) * CE(z, y) + a * H(softmax z), which rewards the student for
/// being confident in whatever it predicts. a follows the paper's logconf schedule.
/// </summary>
internal sealed class EntropyLoss(double maxCoefficient = 0.5) : ILoss
{
    private readonly ConfidenceLoss schedule = new(ConfidenceSchedule.Paper, maxCoefficient);

    public string Name => "entropy";

    public Tensor Compute(Tensor logits, Tensor targets, double stepFraction)
    {
        var a = schedule.Coefficient(stepFraction);
        var logp = nn.functional.log_softmax(logits, -1);
        var entropy = -(logp.exp() * logp).sum(-1).mean();
        return SoftCrossEntropy.Of(logits, targets) * (1 - a) + entropy * a;
    }
}
