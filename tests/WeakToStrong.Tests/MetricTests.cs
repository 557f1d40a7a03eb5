using WeakToStrong.Metrics;

namespace WeakToStrong.Tests;

public class MetricTests
{
    [Fact]
    public void AccuracyAndStandardErrorMatchKnownAnswer()
    {
        var probs = new[] { new float[] { .9f, .1f }, new float[] { .2f, .8f }, new float[] { .6f, .4f }, new float[] { .3f, .7f } };
        var acc = Accuracy.Of(probs, [0, 1, 1, 1]);
        Assert.Equal(0.75, acc.Value, 10);
        Assert.Equal(Math.Sqrt(0.75 * 0.25 / 4), acc.StandardError, 10);
    }

    [Fact]
    public void MajorityRate() => Assert.Equal(0.6, Accuracy.MajorityRate([1, 1, 1, 0, 0]), 10);

    [Fact]
    public void PgrIsRecoveredShareOfTheGap()
    {
        var pgr = Pgr.Of(weak: 0.70, student: 0.76, ceiling: 0.82);
        Assert.Equal(0.5, pgr.Value!.Value, 10);
        Assert.Equal(0.12, pgr.Gap, 10);
    }

    [Theory]
    [InlineData(0.70, 0.71, 0.72)] // 2-point gap: below the 3-point default
    [InlineData(0.70, 0.71, 0.70)] // no gap
    [InlineData(0.75, 0.71, 0.70)] // negative gap
    public void PgrIsUndefinedWithAReasonWhenTheGapIsTooSmall(double weak, double student, double ceiling)
    {
        var pgr = Pgr.Of(weak, student, ceiling);
        Assert.Null(pgr.Value);
        Assert.False(string.IsNullOrEmpty(pgr.UndefinedReason));
    }

    [Fact]
    public void PgrOfAurocUsesTheAurocsAndIsNullWhereOneIsMissing()
    {
        // A student that ranks well but predicts one class: accuracy PGR negative, AUROC PGR (0.80 - 0.55) / (0.95 - 0.55).
        Assert.Equal(0.625, Pgr.OfAuroc(weak: 0.55, student: 0.80, ceiling: 0.95)!.Value!.Value, 10);
        Assert.Null(Pgr.OfAuroc(weak: null, student: 0.80, ceiling: 0.95));
        Assert.Null(Pgr.OfAuroc(weak: 0.90, student: 0.80, ceiling: 0.91)!.Value);
    }
}

public class RankingAndCalibrationTests
{
    [Fact]
    public void AurocOfPerfectAndReversedRankings()
    {
        Assert.Equal(1.0, Auroc.Of([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]));
        Assert.Equal(0.0, Auroc.Of([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]));
        Assert.Null(Auroc.Of([0.1, 0.2], [1, 1]));
    }

    [Fact]
    public void AurocCountsTiesAsOneHalf()
    {
        // All scores tied: 0.5. Pairs (pos, neg): (.5,.5) tie = .5, (.5,.1) win, (.9,.5) win, (.9,.1) win → 3.5/4
        Assert.Equal(0.5, Auroc.Of([0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1]));
        Assert.Equal(0.875, Auroc.Of([0.5, 0.1, 0.5, 0.9], [0, 0, 1, 1]));
    }

    [Fact]
    public void ExpectedCalibrationErrorByHand()
    {
        // Bin [.9,1): confidences .95, .95, both right → |1 - .95| = .05, weight 2/4.
        // Bin [.6,.7): confidences .6, .6, one right → |.5 - .6| = .1, weight 2/4.  ECE = .075
        var probs = new[] { new float[] { .95f, .05f }, new float[] { .05f, .95f }, new float[] { .6f, .4f }, new float[] { .4f, .6f } };
        Assert.Equal(0.075, CalibrationError.Expected(probs, [0, 1, 0, 0]), 5);
        // A confidence of exactly 1 lands in the last bin, and perfect calibration scores 0.
        Assert.Equal(0.0, CalibrationError.Expected([new float[] { 1f, 0f }], [0]), 10);
    }
}

public class SeedSummaryTests
{
    [Fact]
    public void MeanStandardErrorAndBootstrapInterval()
    {
        var s = SeedSummary.Of([0.70, 0.74, 0.78])!;
        Assert.Equal(0.74, s.Mean, 10);
        Assert.Equal(0.04 / Math.Sqrt(3), s.StandardError, 10); // sample sd .04
        Assert.InRange(s.CiLow, 0.70 - 1e-9, 0.74);
        Assert.InRange(s.CiHigh, 0.74, 0.78 + 1e-9);
        Assert.Equal(s, SeedSummary.Of([0.70, 0.74, 0.78])); // seeded: the same interval every time
    }

    [Fact]
    public void MedianOfOddAndEvenCounts()
    {
        Assert.Equal(2.0, SeedSummary.Median([3.0, 1.0, 2.0]));
        Assert.Equal(2.5, SeedSummary.Median([4.0, 1.0, 2.0, 3.0]));
    }
}
