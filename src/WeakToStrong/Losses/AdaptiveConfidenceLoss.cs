using static TorchSharp.torch;

namespace WeakToStrong.Losses;

/// <summary>
/// `adaptconf`: per-example trust between the teacher and the student's own hard label. With ŝ the student's argmax and t̂
/// the teacher's, α = e^{CE(s,ŝ)/T} / (e^{CE(s,ŝ)/T} + e^{CE(s,t̂)/T}) (no gradient): an unsure student (large CE to its own
/// label) leans on the teacher; a student confidently disagreeing with the teacher leans on itself.
/// loss = mean(α·CE(s, y) + (1 - α)·CE(s, ŝ)), with y the teacher's soft label.
/// </summary>
internal sealed class AdaptiveConfidenceLoss(double temperature = 1.0) : ILoss
{
    public string Name => "adaptconf";

    public Tensor Compute(Tensor logits, Tensor targets, double stepFraction)
    {
        long classes = logits.shape[1];
        var logp = nn.functional.log_softmax(logits, -1);
        var own = nn.functional.one_hot(logits.detach().argmax(-1), classes).to(logits.dtype);
        var teacherHard = nn.functional.one_hot(targets.argmax(-1), classes).to(logits.dtype);
        Tensor alpha;
        using (no_grad())
        {
            var ceOwn = -(own * logp).sum(-1) / temperature;
            var ceTeacher = -(teacherHard * logp).sum(-1) / temperature;
            alpha = stack(new[] { ceOwn, ceTeacher }, 1).softmax(1)[.., 0];
        }
        var toTeacher = -(targets * logp).sum(-1);
        var toSelf = -(own * logp).sum(-1);
        return (alpha * toTeacher + (1 - alpha) * toSelf).mean();
    }
}
