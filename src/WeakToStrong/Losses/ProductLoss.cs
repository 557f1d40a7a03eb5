using static TorchSharp.torch;

namespace WeakToStrong.Losses;

/// <summary>`product`: target proportional to p^beta * y^alpha (student probabilities p, weak labels y), without gradient.</summary>
internal sealed class ProductLoss(double alpha = 1.0, double beta = 1.0) : ILoss
{
    public string Name => "product";

    public Tensor Compute(Tensor logits, Tensor targets, double stepFraction)
    {
        Tensor target;
        using (no_grad())
        {
            var p = nn.functional.softmax(logits.detach(), -1);
            var unnormalised = p.pow(beta) * targets.pow(alpha);
            target = unnormalised / unnormalised.sum(-1, keepdim: true).clamp_min(1e-12);
        }
        return SoftCrossEntropy.Of(logits, target);
    }
}
