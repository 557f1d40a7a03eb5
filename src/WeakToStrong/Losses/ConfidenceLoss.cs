using static TorchSharp.torch;

namespace WeakToStrong.Losses;

/// <summary>How the auxiliary confidence coefficient grows with the step fraction.</summary>
internal enum ConfidenceSchedule
{
    /// <summary>Paper: a = a_max * min(1, f / 0.2).</summary>
    Paper,

    /// <summary>
    /// The public reference code: a = a_max * (f > 0.1 ? 1 : f), which ramps to 0.05 and then jumps to a_max
    /// (a known bug, kept so results of that code can be reproduced).
    /// </summary>
    Reference,
}

/// <summary>
/// `logconf`: the auxiliary confidence loss. The target mixes the weak label with the student's own hardened prediction:
/// target = (1 - a) * y + a * h. For two classes h thresholds the student's class-0 probability at the batch quantile that
/// makes the share of hardened positives match the weak labels' mean positive mass (as the paper's public code does); for more
/// classes h is the student's argmax.
/// </summary>
internal sealed class ConfidenceLoss(ConfidenceSchedule schedule = ConfidenceSchedule.Paper, double maxCoefficient = 0.5) : ILoss
{
    /// <summary>The registry name (<see cref="LossRegistry"/>), which results carry: logconf, logconf-0.75, logconf-reference.</summary>
    public string Name => schedule == ConfidenceSchedule.Reference ? "logconf-reference"
        : maxCoefficient == 0.5 ? "logconf" : $"logconf-{maxCoefficient.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public double Coefficient(double stepFraction) => schedule switch
    {
        ConfidenceSchedule.Paper => maxCoefficient * Math.Min(1.0, stepFraction / 0.2),
        _ => maxCoefficient * (stepFraction > 0.1 ? 1.0 : stepFraction),
    };

    public Tensor Compute(Tensor logits, Tensor targets, double stepFraction)
    {
        var a = Coefficient(stepFraction);
        var hardened = HardenedStudentLabels(logits, targets);
        var target = targets * (1 - a) + hardened * a;
        return SoftCrossEntropy.Of(logits, target);
    }

    /// <summary>The student's hardened labels h (no gradient).</summary>
    public static Tensor HardenedStudentLabels(Tensor logits, Tensor targets)
    {
        using var _ = no_grad();
        var probs = nn.functional.softmax(logits.detach(), -1);
        long classes = logits.shape[1];
        if (classes != 2)
            return nn.functional.one_hot(probs.argmax(-1), classes).to(logits.dtype);
        var p0 = probs[.., 0];
        var positiveShare = targets[.., 1].mean().item<float>();
        var threshold = Quantile(p0, positiveShare);
        var positive = p0.lt(threshold);
        return stack(new[] { positive.logical_not(), positive }, 1).to(logits.dtype);
    }

    /// <summary>Linear-interpolation quantile (torch.quantile's default), q in [0, 1].</summary>
    public static float Quantile(Tensor values, double q)
    {
        var sorted = values.sort().Values.data<float>().ToArray();
        double position = Math.Clamp(q, 0, 1) * (sorted.Length - 1);
        int lo = (int)Math.Floor(position), hi = Math.Min(lo + 1, sorted.Length - 1);
        return (float)(sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo));
    }
}
