using WeakToStrong.Data;

namespace WeakToStrong.Tests.Data;

public class BalancerTests
{
    private static List<Example> Set(int negatives, int positives) =>
        Enumerable.Range(0, negatives + positives).Select(i => Example.Of($"t{i}", null, i < negatives ? 0 : 1)).ToList();

    [Fact]
    public void MajorityRate_IsShareOfLargestClass()
    {
        Assert.Equal(0.7, Balancer.MajorityRate(Set(30, 70)), 9);
        Assert.Equal(0, Balancer.MajorityRate(new List<Example>()));
    }

    [Fact]
    public void AboveThreshold_DownsamplesMajorityToMinority()
    {
        var data = Set(30, 70);
        var (balanced, report) = Balancer.Balance(data, seed: 1);
        Assert.True(report.Applied);
        Assert.Equal(30, balanced.Count(e => e.Label == 0));
        Assert.Equal(30, balanced.Count(e => e.Label == 1));
        Assert.Equal([0, 40], report.Dropped);
        Assert.Equal(0.5, report.MajorityRateAfter);
        Assert.Equal(balanced.Select(e => e.Id), Balancer.Balance(data, seed: 1).Examples.Select(e => e.Id));
        Assert.NotEqual(balanced.Select(e => e.Id), Balancer.Balance(data, seed: 2).Examples.Select(e => e.Id));
        Assert.Contains("kept 30 of 70", report.ToString());
    }

    [Fact]
    public void AtOrBelowThreshold_LeavesSetAlone()
    {
        var data = Set(45, 55);
        var (balanced, report) = Balancer.Balance(data, seed: 1);
        Assert.False(report.Applied);
        Assert.Same(data, balanced);
    }

    [Fact]
    public void KClasses_AllDownsampledToSmallest()
    {
        var data = Enumerable.Range(0, 100).Select(i => Example.Of($"t{i}", null, i < 70 ? 0 : i < 90 ? 1 : 2)).ToList();
        var (balanced, report) = Balancer.Balance(data, seed: 0);
        Assert.Equal([10, 10, 10], report.After);
        Assert.Equal(30, balanced.Count);
    }
}
