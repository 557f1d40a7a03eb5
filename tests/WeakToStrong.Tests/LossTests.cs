using TorchSharp;
using WeakToStrong.Losses;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

/// <summary>
/// Every loss against values computed by hand (a separate float64 script, see the numbers' comments) on one fixed batch:
/// logits z = [[1,0],[0,2],[.5,.5],[-1,1]], weak labels y = [[.8,.2],[.3,.7],[.5,.5],[.1,.9]].
/// </summary>
public class LossTests
{
    private static Tensor Logits() => tensor(new float[] { 1, 0, 0, 2, 0.5f, 0.5f, -1, 1 }, [4, 2]).requires_grad_();
    private static Tensor Weak() => tensor(new float[] { 0.8f, 0.2f, 0.3f, 0.7f, 0.5f, 0.5f, 0.1f, 0.9f }, [4, 2]);

    [Fact]
    public void SoftCrossEntropyMatchesHandValue() =>
        // mean_i -sum_k y_ik log softmax(z_i)_k
        Assert.Equal(0.5650662, new SoftCrossEntropy().Compute(Logits(), Weak(), 0).item<float>(), 5);

    [Fact]
    public void HardCrossEntropyUsesArgmaxOfWeakLabels() =>
        Assert.Equal(0.3150662, new HardCrossEntropy().Compute(Logits(), Weak(), 0.3).item<float>(), 5);

    [Fact]
    public void ConfidenceThresholdMatchesWeakPositiveShare()
    {
        // p0 = [.731, .119, .5, .119]; mean weak positive mass .575 → threshold = quantile(p0, .575) = .39528 (linear interpolation)
        var p0 = nn.functional.softmax(Logits(), -1)[.., 0];
        Assert.Equal(0.3952808f, ConfidenceLoss.Quantile(p0, 0.575), 5);
        var h = ConfidenceLoss.HardenedStudentLabels(Logits(), Weak()).data<float>().ToArray();
        Assert.Equal(new float[] { 1, 0, 0, 1, 1, 0, 0, 1 }, h);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.05, 0.125)]
    [InlineData(0.1, 0.25)]
    [InlineData(0.2, 0.5)]
    [InlineData(0.7, 0.5)]
    [InlineData(1.0, 0.5)]
    public void PaperScheduleWarmsUpOverFirstFifthOfTraining(double fraction, double expected) =>
        Assert.Equal(expected, new ConfidenceLoss(ConfidenceSchedule.Paper, 0.5).Coefficient(fraction), 10);

    [Theory]
    [InlineData(0.05, 0.025)]
    [InlineData(0.1, 0.05)]   // the ramp ends at 0.05 ...
    [InlineData(0.11, 0.5)]   // ... and jumps to 0.5: the public code's behaviour
    [InlineData(1.0, 0.5)]
    public void ReferenceScheduleReproducesPublicCode(double fraction, double expected) =>
        Assert.Equal(expected, new ConfidenceLoss(ConfidenceSchedule.Reference, 0.5).Coefficient(fraction), 10);

    [Fact]
    public void LargestStudentsCoefficientReaches075() =>
        Assert.Equal(0.75, new ConfidenceLoss(ConfidenceSchedule.Paper, 0.75).Coefficient(0.5), 10);

    [Theory]
    [InlineData(0.0, 0.5650662)]  // a = 0: plain xent
    [InlineData(0.1, 0.5025662)]  // a = .25
    [InlineData(0.5, 0.4400662)]  // a = .5
    public void ConfidenceLossMatchesHandValues(double fraction, double expected) =>
        Assert.Equal(expected, new ConfidenceLoss().Compute(Logits(), Weak(), fraction).item<float>(), 5);

    [Fact]
    public void ConfidenceLossGradientTreatsTargetAsConstant()
    {
        // d/dz of mean CE(z, t) with t = .5 y + .5 h held constant: (softmax(z) - t) / 4
        var z = Logits();
        new ConfidenceLoss().Compute(z, Weak(), 0.5).backward();
        AssertClose(new[] { -0.0422354, 0.0422354, -0.0076993, 0.0076993, -0.0625, 0.0625, 0.0173007, -0.0173007 }, z.grad!);
    }

    [Fact]
    public void ProductLossAndGradientMatchHandValues()
    {
        // target ∝ softmax(z) * y, no gradient through it
        var z = Logits();
        var loss = new ProductLoss().Compute(z, Weak(), 0.5);
        Assert.Equal(0.3709400, loss.item<float>(), 5);
        loss.backward();
        AssertClose(new[] { -0.0461794, 0.0461794, 0.0160954, -0.0160954, 0, 0, 0.0260971, -0.0260971 }, z.grad!);
    }

    [Theory]
    [InlineData(0.1, 0.5491758)]  // a = .25: .75 xent + .25 mean entropy of softmax(z)
    [InlineData(0.5, 0.5332854)]  // a = .5
    public void EntropyLossMatchesHandValues(double fraction, double expected) =>
        Assert.Equal(expected, new EntropyLoss().Compute(Logits(), Weak(), fraction).item<float>(), 5);

    [Fact]
    public void WindowLossOnlyCountsUnsureExamples() =>
        // only row 3 (p = .5/.5) has top probability below .65; its CE (ln 2) is divided by the batch size 4
        Assert.Equal(0.1732868, new ConfidenceWindowLoss().Compute(Logits(), Weak(), 0.5).item<float>(), 5);

    [Fact]
    public void KlLossIsXentMinusTargetEntropy() =>
        Assert.Equal(0.0326920, new KlLoss().Compute(Logits(), Weak(), 0.5).item<float>(), 5);

    [Fact]
    public void AdaptiveConfidenceWeighsTeacherAndSelf()
    {
        // Agreeing rows get α = .5 (here every row agrees, so it equals logconf at a = .5) ...
        Assert.Equal(0.4400662, new AdaptiveConfidenceLoss().Compute(Logits(), Weak(), 0.5).item<float>(), 5);
        // ... a confident student disagreeing with the teacher: z = [2, 0], y = [.2, .8]: α = 1/(1+e^2) = .1192
        var z = tensor(new float[] { 2, 0 }, [1, 2]);
        var y = tensor(new float[] { 0.2f, 0.8f }, [1, 2]);
        Assert.Equal(0.3176527, new AdaptiveConfidenceLoss().Compute(z, y, 0.5).item<float>(), 5);
    }

    [Fact]
    public void RegistryKnowsEveryLossAndRejectsUnknownNames()
    {
        // Results record ILoss.Name: a variant such as logconf-0.75 must report its own registry name.
        foreach (var name in LossRegistry.Names) Assert.Equal(name, LossRegistry.Create(name).Name);
        var e = Assert.ThrowsAny<ArgumentException>(() => LossRegistry.Create("nope"));
        Assert.Contains("xent", e.Message);
    }

    private static void AssertClose(double[] expected, Tensor actual)
    {
        var values = actual.data<float>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], values[i], 5);
    }
}
