using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Adam = WeakToStrong.Training.Adam;

namespace WeakToStrong.Tests;

/// <summary>Our Adam against TorchSharp's on the same gradients: the parameters must agree bit for bit.</summary>
public class AdamTests
{
    /// <summary>
    /// Gradients of a [rows, 8] weight at each step: rows 0-3 ordinary, rows 4-5 tiny (their squares are denormal),
    /// the rest zero, as the word embedding's rows of unseen tokens are.
    /// </summary>
    private static Tensor[] Gradients(int steps, int rows, int seed)
    {
        var generator = new Generator((ulong)seed);
        return Enumerable.Range(0, steps).Select(_ =>
        {
            var g = zeros(rows, 8);
            g[..4] = randn([4, 8], generator: generator);
            g[4..6] = randn([2, 8], generator: generator) * 1e-21f;
            return g;
        }).ToArray();
    }

    /// <summary>Rows 4-5 start at zero, so their tiny updates (about 1e-15) show in the comparison.</summary>
    private static Parameter Weight(int rows)
    {
        var w = arange(rows * 8, dtype: ScalarType.Float32).reshape(rows, 8).div(7).sin();
        if (rows > 6) w[4..6] = zeros(2, 8);
        return new Parameter(w);
    }

    private static float[] Values(Tensor t) => t.detach().data<float>().ToArray();

    private static void Backward(Parameter weight, Tensor gradient) => (weight * gradient).sum().backward();

    [Theory]
    [InlineData(1e-8)]
    [InlineData(0.0)] // the bound fails: plain √v
    public void MatchesTorchSharpAdamBitForBit(double eps)
    {
        const int rows = 40, steps = 6;
        var gradients = Gradients(steps, rows, 3);
        var theirs = Weight(rows);
        var ours = Weight(rows);
        var reference = optim.Adam([theirs], lr: 0.01, eps: eps);
        using var adam = new Adam([ours], 0.01, eps: eps);
        for (int t = 0; t < steps; t++)
        {
            // A changing rate, as the cosine schedule sets it.
            double lr = 0.01 * (1 - t / (double)steps);
            foreach (var group in reference.ParamGroups) group.LearningRate = lr;
            adam.LearningRate = lr;
            reference.zero_grad();
            Backward(theirs, gradients[t]);
            reference.step();
            adam.ZeroGrad();
            Backward(ours, gradients[t]);
            adam.Step();
            Assert.Equal(Values(theirs), Values(ours));
        }
        // The tiny-gradient rows moved, so the comparison covered denominators taken from denormal v.
        Assert.NotEqual(Values(Weight(rows))[32..48], Values(ours)[32..48]);
    }

    /// <summary>
    /// An embedding-like weight (80,000 values: several work items, a partial last block) and an odd-sized bias, updated
    /// together: each step's gradient reaches a few rows (more rows over time, so blocks start being updated late) and
    /// rows 1,500 on never get one (skipped blocks). A float64 weight goes the op-by-op way. All must match bit for bit.
    /// </summary>
    [Fact]
    public void MatchesTorchSharpAdamOnSparselyUsedRowsAndManyBlocks()
    {
        const int rows = 2000, steps = 5;
        var generator = new Generator(5);
        Parameter[] Weights() =>
        [
            new(arange(rows * 40, dtype: ScalarType.Float32).reshape(rows, 40).div(11).cos()),
            new(arange(37, dtype: ScalarType.Float32).div(5).sin()),
            new(arange(12, dtype: ScalarType.Float64).div(3).sin()),
        ];
        var theirs = Weights();
        var ours = Weights();
        var reference = optim.Adam(theirs, lr: 0.01);
        using var adam = new Adam(ours, 0.01);
        for (int t = 0; t < steps; t++)
        {
            var rowMask = zeros(rows, 1);
            rowMask[randint(0, 200 * (t + 1), [30], generator: generator)] = ones(30, 1);
            Tensor[] gradients = [randn([rows, 40], generator: generator) * rowMask, randn([37], generator: generator),
                randn([12], dtype: ScalarType.Float64, generator: generator)];
            reference.zero_grad();
            for (int k = 0; k < 3; k++) (theirs[k] * gradients[k]).sum().backward();
            reference.step();
            adam.ZeroGrad();
            for (int k = 0; k < 3; k++) (ours[k] * gradients[k]).sum().backward();
            adam.Step();
            Assert.Equal(Values(theirs[0]), Values(ours[0]));
            Assert.Equal(Values(theirs[1]), Values(ours[1]));
            Assert.Equal(theirs[2].detach().data<double>().ToArray(), ours[2].detach().data<double>().ToArray());
        }
        Assert.Equal(Values(Weights()[0])[(1500 * 40)..], Values(ours[0])[(1500 * 40)..]);
        Assert.NotEqual(Values(Weights()[0])[..(200 * 40)], Values(ours[0])[..(200 * 40)]);
    }

    [Fact]
    public void ZeroGradLetsTheNextBackwardSetTheGradient()
    {
        var weight = Weight(4);
        using var adam = new Adam([weight], 0.1);
        Backward(weight, ones(4, 8));
        adam.ZeroGrad();
        Assert.Null(weight.grad);
        Backward(weight, full(4, 8, 2f));
        Assert.Equal(2f, weight.grad!.max().item<float>());
        Assert.Equal(2f, weight.grad!.min().item<float>());
    }

    [Fact]
    public void ParametersWithoutGradientKeepTheirValues()
    {
        var used = Weight(4);
        var unused = Weight(4);
        using var adam = new Adam([used, unused], 0.1);
        Backward(used, ones(4, 8));
        adam.Step();
        Assert.Equal(Values(Weight(4)), Values(unused));
        Assert.NotEqual(Values(Weight(4)), Values(used));
    }
}
