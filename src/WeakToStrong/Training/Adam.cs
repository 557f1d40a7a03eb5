using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WeakToStrong.Training;

/// <summary>
/// Adam without weight decay, giving bit for bit the parameters of torch's (and TorchSharp's) Adam, op for op:
/// m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; p -= lr/(1-β1^t) · m / (√v/√(1-β2^t) + ε).
/// It differs from TorchSharp's in speed only:
/// - One pass over the weights, in work items of 16,384 values on all threads, rounding as libtorch's kernels do (a fused
///   multiply-add where theirs has one), instead of a libtorch kernel and a temporary per operation. √ stays libtorch's
///   (oneMKL's, not always correctly rounded, so ours could not match it): a work item's √ operands are gathered into a
///   buffer that one call of libtorch's √ takes (<see cref="LibTorchSqrt"/>), and its weights are still in cache when the
///   second half of the item updates them. Weights that are not contiguous dense float32 under 2 GB, or have a sparse
///   gradient, take the op-by-op way.
/// - √v is taken of v raised to the smallest normal float. The √ runs ~15x slower on zeros and denormals, and v is
///   mostly zero in the word embedding (rows of tokens a run never sees). The raise cannot change a result:
///   √(smallest normal)/√(1-β2^t) is below half an ulp of ε, so the sum still rounds to ε, as it does from 0. Where that
///   bound fails (ε = 0, say), plain √v is used.
/// - A block of weights whose gradient has been zero at every step so far (the embedding rows of unseen tokens) is
///   skipped: its m and v are zero, and the update adds -0 to p, which leaves p as it is. Needs ε > 0.
/// - <see cref="ZeroGrad"/> drops the gradients rather than filling them with zeros; the next backward writes them anew.
/// </summary>
internal sealed class Adam : IDisposable
{
    private const float SmallestNormal = 1.17549435e-38f;
    // Skipping is decided per block; a work item (one thread's share) is many blocks.
    private const int Block = 256, WorkItem = 64 * Block;

    private readonly Parameter[] parameters;
    private readonly Tensor[] means, squares;
    private readonly long[] steps;
    private readonly double beta1, beta2, eps;
    private readonly bool raiseBeforeSqrt;
    // Per parameter: which blocks have had a nonzero gradient.
    private readonly bool[][] active;

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
        active = this.parameters.Select(p => new bool[(p.numel() + Block - 1) / Block]).ToArray();
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
        using var noGrad = no_grad();
        var items = new List<(Update Update, long Start)>();
        for (int i = 0; i < parameters.Length; i++)
        {
            var grad = parameters[i].grad;
            if (grad is null) continue;
            long t = ++steps[i];
            double correction1 = 1 - Math.Pow(beta1, t), correction2 = 1 - Math.Pow(beta2, t);
            if (!Fusable(parameters[i], grad))
            {
                StepOpByOp(i, grad, correction1, correction2);
                continue;
            }
            var update = new Update(i, grad, correction1, correction2);
            for (long start = 0; start < grad.numel(); start += WorkItem) items.Add((update, start));
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, get_num_threads()) };
        // Each thread gathers a work item's √ operands in a buffer of its own.
        Parallel.ForEach(items, options, () => new float[WorkItem], (item, state, roots) =>
        {
            UpdateItem(item.Update, item.Start, roots);
            return roots;
        }, roots => { });
    }

    private sealed record Update(int Index, Tensor Grad, double Correction1, double Correction2);

    private static bool Fusable(Tensor p, Tensor grad) =>
        p.device_type == DeviceType.CPU && p.dtype == ScalarType.Float32 && grad.dtype == ScalarType.Float32 && !grad.is_sparse
        && p.is_contiguous() && grad.is_contiguous() && grad.numel() == p.numel() && p.numel() <= int.MaxValue / sizeof(float);

    private static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>
    /// One work item: m and v of its updated blocks, their √ operands (v, raised) gathered into <paramref name="roots"/>, one
    /// call of libtorch's √ on them, then p += (-lr/(1-β1^t))·m / (√v/√(1-β2^t) + ε) over the same blocks.
    /// </summary>
    private void UpdateItem(Update u, long start, float[] roots)
    {
        int i = u.Index;
        var g = Floats(u.Grad);
        var m = Floats(means[i]);
        var v = Floats(squares[i]);
        var p = Floats(parameters[i]);
        int end = (int)Math.Min(g.Length, start + WorkItem);
        float b1 = (float)beta1, a1 = (float)(1 - beta1), b2 = (float)beta2, a2 = (float)(1 - beta2);
        float floor = raiseBeforeSqrt ? SmallestNormal : float.NegativeInfinity;
        bool skipZeros = eps > 0;
        var blocks = active[i];
        ref float gRef = ref MemoryMarshal.GetReference(g), mRef = ref MemoryMarshal.GetReference(m);
        ref float vRef = ref MemoryMarshal.GetReference(v), pRef = ref MemoryMarshal.GetReference(p);
        ref float rootRef = ref roots[0];
        int count = 0; // operands gathered so far
        for (int s = (int)start; s < end; s += Block)
        {
            int e = Math.Min(end, s + Block);
            if (!blocks[s / Block])
            {
                if (skipZeros && AllZero(g[s..e])) continue;
                blocks[s / Block] = true;
            }
            int j = s, r = count - s; // roots[j + r] belongs to weight j
            for (; j + Vector256<float>.Count <= e; j += Vector256<float>.Count)
            {
                var gj = Vector256.LoadUnsafe(ref gRef, (nuint)j);
                // libtorch: add_(g, alpha) is a fused multiply-add; addcmul_ multiplies value·g first, then fuses ·g + v.
                var mj = Vector256.FusedMultiplyAdd(gj, Vector256.Create(a1), Vector256.LoadUnsafe(ref mRef, (nuint)j) * b1);
                var vj = Vector256.FusedMultiplyAdd(gj * a2, gj, Vector256.LoadUnsafe(ref vRef, (nuint)j) * b2);
                mj.StoreUnsafe(ref mRef, (nuint)j);
                vj.StoreUnsafe(ref vRef, (nuint)j);
                Vector256.Max(vj, Vector256.Create(floor)).StoreUnsafe(ref rootRef, (nuint)(j + r));
            }
            for (; j < e; j++)
            {
                m[j] = MathF.FusedMultiplyAdd(g[j], a1, m[j] * b1);
                v[j] = MathF.FusedMultiplyAdd(a2 * g[j], g[j], v[j] * b2);
                roots[j + r] = MathF.Max(v[j], floor);
            }
            count += e - s;
        }
        LibTorchSqrt.InPlace(roots.AsSpan(0, count));

        float scale = (float)Math.Sqrt(u.Correction2), epsilon = (float)eps, rate = (float)(-LearningRate / u.Correction1);
        count = 0;
        for (int s = (int)start; s < end; s += Block)
        {
            if (!blocks[s / Block]) continue;
            int e = Math.Min(end, s + Block);
            int j = s, r = count - s;
            for (; j + Vector256<float>.Count <= e; j += Vector256<float>.Count)
            {
                var denominator = Vector256.LoadUnsafe(ref rootRef, (nuint)(j + r)) / scale + Vector256.Create(epsilon);
                var update = Vector256.LoadUnsafe(ref mRef, (nuint)j) * rate / denominator;
                (Vector256.LoadUnsafe(ref pRef, (nuint)j) + update).StoreUnsafe(ref pRef, (nuint)j);
            }
            for (; j < e; j++) p[j] += rate * m[j] / (roots[j + r] / scale + epsilon);
            count += e - s;
        }
    }

    // Compared as bits (vectorised): a -0 counts as nonzero, which only costs that block its skip.
    private static bool AllZero(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).IndexOfAnyExcept(0) < 0;

    /// <summary>The same update in libtorch ops, for a parameter the fused passes cannot take (not a contiguous float32 CPU tensor).</summary>
    private void StepOpByOp(int i, Tensor grad, double correction1, double correction2)
    {
        means[i].mul_(beta1).add_(grad, alpha: 1 - beta1);
        squares[i].mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
        var root = raiseBeforeSqrt ? squares[i].clamp_min(SmallestNormal).sqrt_() : squares[i].sqrt();
        var denominator = root.div_(Math.Sqrt(correction2)).add_(eps);
        parameters[i].addcdiv_(means[i], denominator, value: -LearningRate / correction1);
    }

    public void Dispose()
    {
        foreach (var t in means) t.Dispose();
        foreach (var t in squares) t.Dispose();
    }
}
