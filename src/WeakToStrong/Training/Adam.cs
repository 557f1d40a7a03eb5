using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WeakToStrong.Training;

/// <summary>
/// Adam without weight decay, giving bit for bit the parameters of torch's (and TorchSharp's) Adam, op for op:
/// m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; p -= lr/(1-β1^t) · m / (√v/√(1-β2^t) + ε).
/// It differs from TorchSharp's in speed only:
/// - √v is taken of v raised to the smallest normal float. libtorch's sqrt runs ~15x slower on zeros and denormals, and
///   v is mostly zero in the word embedding (rows of tokens a run never sees), which cost ~20 ms a step on MiniLM.
///   The raise cannot change a result: √(smallest normal)/√(1-β2^t) is below half an ulp of ε, so the sum still rounds
///   to ε, as it does from 0. Where that bound fails (ε = 0, say), plain √v is used.
/// - <see cref="ZeroGrad"/> drops the gradients rather than filling them with zeros; the next backward writes them anew.
/// </summary>
internal sealed class Adam : IDisposable
{
    private const float SmallestNormal = 1.17549435e-38f;

    private readonly Parameter[] parameters;
    private readonly Tensor[] means, squares;
    private readonly long[] steps;
    private readonly double beta1, beta2, eps;
    private readonly bool raiseBeforeSqrt;

    public double LearningRate { get; set; }

    public Adam(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        if (learningRate < 0) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "must be >= 0");
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "must be in [0, 1)");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "must be in [0, 1)");
        if (eps < 0) throw new ArgumentOutOfRangeException(nameof(eps), eps, "must be >= 0");
        this.parameters = parameters.ToArray();
        LearningRate = learningRate;
        (this.beta1, this.beta2, this.eps) = (beta1, beta2, eps);
        means = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        squares = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        steps = new long[this.parameters.Length];
        // Half an ulp of ε (as float) is at least ε·2^-25; the largest raise shows at the first step, where 1-β2^t = 1-β2.
        raiseBeforeSqrt = Math.Sqrt(SmallestNormal) / Math.Sqrt(1 - beta2) < (float)eps * Math.Pow(2, -25);
    }

    /// <summary>Drops every parameter's gradient (the next backward sets it, rather than adding to zeros).</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters)
        {
            var grad = p.grad;
            if (grad is null) continue;
            p.grad = null;
            grad.Dispose();
        }
    }

    /// <summary>One update of every parameter that has a gradient; parameters without one keep their state.</summary>
    public void Step()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < parameters.Length; i++)
        {
            var grad = parameters[i].grad;
            if (grad is null) continue;
            long t = ++steps[i];
            double correction1 = 1 - Math.Pow(beta1, t), correction2 = 1 - Math.Pow(beta2, t);
            means[i].mul_(beta1).add_(grad, alpha: 1 - beta1);
            squares[i].mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
            var root = raiseBeforeSqrt ? squares[i].clamp_min(SmallestNormal).sqrt_() : squares[i].sqrt();
            var denominator = root.div_(Math.Sqrt(correction2)).add_(eps);
            parameters[i].addcdiv_(means[i], denominator, value: -LearningRate / correction1);
        }
    }

    public void Dispose()
    {
        foreach (var t in means) t.Dispose();
        foreach (var t in squares) t.Dispose();
    }
}
