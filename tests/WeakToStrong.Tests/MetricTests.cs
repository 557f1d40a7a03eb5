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
}
