using static TorchSharp.torch;

namespace WeakToStrong.Losses;

/// <summary>`xent`: cross-entropy against soft targets, averaged over the batch (the paper's naive finetuning).</summary>
internal sealed class SoftCrossEntropy : ILoss
{
    public string Name => "xent";

    public Tensor Compute(Tensor logits, Tensor targets, double stepFraction) => Of(logits, targets);

    /// <summary>mean over the batch of -sum_k target_k log softmax(logits)_k.</summary>
    public static Tensor Of(Tensor logits, Tensor targets) =>
        -(targets * nn.functional.log_softmax(logits, -1)).sum(-1).mean();
}

/// <summary>`xent-hard`: cross-entropy against the argmax of the targets (hard weak labels).</summary>
internal sealed class HardCrossEntropy : ILoss
{
    public string Name => "xent-hard";

    public Tensor Compute(Tensor logits, Tensor targets, double stepFraction)
    {
        var hard = nn.functional.one_hot(targets.argmax(-1), targets.shape[1]).to(logits.dtype);
        return SoftCrossEntropy.Of(logits, hard);
    }
}
