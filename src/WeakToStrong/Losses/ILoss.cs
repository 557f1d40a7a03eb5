using static TorchSharp.torch;

namespace WeakToStrong.Losses;

/// <summary>
/// A training loss: a function of the student's logits [batch, classes], the target distributions [batch, classes]
/// (weak soft labels, or one-hot ground truth) and the fraction of training done (0 at the first step, 1 at the end).
/// </summary>
public interface ILoss
{
    string Name { get; }

    Tensor Compute(Tensor logits, Tensor targets, double stepFraction);
}
