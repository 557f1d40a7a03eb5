using WeakToStrong.Metrics;
using WeakToStrong.Models;

namespace WeakToStrong.Tests;

/// <summary>Misfit, squared error and the correction/expansion split against values computed by hand.</summary>
public class DiagnosticsTests
{
    [Fact]
    public void MisfitIsTheMeanSquaredDistanceOfTheProbabilityVectors()
    {
        // (0.9−0.6)² + (0.1−0.4)² = 0.18; (0.2−0.2)² + (0.8−0.8)² = 0; mean 0.09.
        float[][] student = [[.9f, .1f], [.2f, .8f]];
        float[][] weak = [[.6f, .4f], [.2f, .8f]];
        Assert.Equal(0.09, Misfit.Of(student, weak), 6);
    }

    [Fact]
    public void SquaredErrorIsTheBrierScoreAgainstOneHotTruth()
    {
        // Both truths class 0: (0.9−1)² + 0.1² = 0.02 and (0.2−1)² + 0.8² = 1.28; mean 0.65.
        float[][] p = [[.9f, .1f], [.2f, .8f]];
        Assert.Equal(0.65, Misfit.SquaredError(p, [0, 0]), 6);
    }

    [Fact]
    public void MisfitRefusesMismatchedSets() => Assert.Throws<ArgumentException>(() => Misfit.Of([[1f, 0f]], []));

    private static SparseRow Row(params (int Column, float Value)[] entries) =>
        new(entries.Select(e => e.Column).ToArray(), entries.Select(e => e.Value).ToArray());

    [Fact]
    public void AFixCountsAsCorrectionWhenMostOfItsNeighboursInBHaveRightWeakLabels()
    {
        // B: rows 0–2 lie along column 1 (weak right), rows 3–5 along column 2 (weak wrong), row 6 between.
        SparseRow[] b = [Row((1, 1f)), Row((1, 1f)), Row((1, 1f)), Row((2, 1f)), Row((2, 1f)), Row((2, 1f)), Row((1, .6f), (2, .8f))];
        bool[] weakRight = [true, true, true, false, false, false, true];
        // Fix A along column 1: its 3 nearest are rows 0, 1, 2 (similarity 1) -> 3 right of 3 -> correction.
        // Fix B along column 2: rows 3, 4, 5 (similarity 1) -> 0 right -> expansion.
        // Fix C = (0.6, 0.8): row 6 (1.0), then rows 3–5 (0.8) -> nearest 3 are 6, 3, 4 -> 1 right of 3 -> expansion.
        var split = CorrectionExpansion.Of([Row((1, 1f)), Row((2, 1f)), Row((1, .6f), (2, .8f))], b, weakRight, neighbours: 3);
        Assert.Equal(new CorrectionExpansion(3, 1, 2, 3), split);
        Assert.Equal(1.0 / 3, split.CorrectionShare!.Value, 10);
    }

    [Fact]
    public void TiesBetweenNeighboursGoToTheEarlierRowOfB()
    {
        // Rows 0-3 are equally similar to the fix; its 3 neighbours are rows 0 and 1 (weak right) and row 2.
        var split = CorrectionExpansion.Of([Row((1, 1f))], [Row((1, 1f)), Row((1, 1f)), Row((1, 1f)), Row((1, 1f))], [true, true, false, false], neighbours: 3);
        Assert.Equal(1, split.Correction);
    }

    [Fact]
    public void AFixSharingNoFeatureWithBIsIsolatedAndOnlyRowsSharingOneAreNeighbours()
    {
        SparseRow[] b = [Row((1, 1f)), Row((2, 1f)), Row((3, 1f)), Row((2, .6f), (4, .8f))];
        bool[] weakRight = [true, false, true, false];
        // Fix A (column 9) shares nothing with B: isolated, though rows 0 and 2 (weak right) come first in B.
        // Fix B (column 2) shares a column with rows 1 and 3 only, both weak wrong: expansion, from 2 neighbours of k = 3.
        // Fix C (columns 1 and 3) has rows 0 and 2, both weak right: correction.
        var split = CorrectionExpansion.Of([Row((9, 1f)), Row((2, 1f)), Row((1, .6f), (3, .8f))], b, weakRight, neighbours: 3);
        Assert.Equal(new CorrectionExpansion(3, 1, 1, 3), split);
        Assert.Equal(1, split.Isolated);
        Assert.Equal(0.5, split.CorrectionShare!.Value, 10);
    }

    [Fact]
    public void ATieAmongFewerThanKNeighboursCountsAsExpansion()
    {
        // The fix shares column 1 with rows 0 and 1 only: one right, one wrong, no strict majority.
        var split = CorrectionExpansion.Of([Row((1, 1f))], [Row((1, 1f)), Row((1, 1f)), Row((2, 1f))], [true, false, true], neighbours: 3);
        Assert.Equal(new CorrectionExpansion(1, 0, 1, 3), split);
    }

    [Fact]
    public void NoFixesGiveNoShare()
    {
        var split = CorrectionExpansion.Of([], [Row((1, 1f))], [true]);
        Assert.Equal(0, split.Fixes);
        Assert.Null(split.CorrectionShare);
        Assert.Equal(1, split.Neighbours); // k is capped at the size of B
    }
}

/// <summary>The paired statistics of method comparisons against values computed by hand.</summary>
public class PairedComparisonTests
{
    [Fact]
    public void SignTestOf16WinsIn21IsTheExactBinomialTail()
    {
        // 2 · (C(21,16) + C(21,17) + ... + C(21,21)) / 2^21 = 2 · 27896 / 2097152.
        Assert.Equal(2.0 * 27896 / 2097152, PairedTests.SignTest(16, 5), 12);
        Assert.Equal(2.0 / 32, PairedTests.SignTest(5, 0), 12);
        Assert.Equal(1.0, PairedTests.SignTest(3, 3), 12);
        Assert.Equal(1.0, PairedTests.SignTest(0, 0), 12);
    }

    [Fact]
    public void WilcoxonExactPOfASmallVector()
    {
        // |d| ranks 1..5, W+ = 1 + 2 + 3 + 5 = 11. Of the 32 sign patterns, 7 subsets of {1..5} sum to ≤ 4
        // ({}, {1}, {2}, {3}, {4}, {1,2}, {1,3}), so P(W+ ≥ 11) = 7/32 and p = 14/32.
        Assert.Equal(14.0 / 32, PairedTests.WilcoxonSignedRank([0.1, 0.2, 0.3, -0.4, 0.5]), 12);
        Assert.Equal(2.0 / 32, PairedTests.WilcoxonSignedRank([1, 2, 3, 4, 5]), 12);
    }

    [Fact]
    public void WilcoxonDropsZerosAndGivesTiesMidRanks()
    {
        // Zeros dropped; |d| = 1, 1, 2 -> ranks 1.5, 1.5, 3; W+ = 1.5 + 3 = 4.5. The 8 sign patterns give W+ = 0, 1.5,
        // 1.5, 3, 3, 4.5, 4.5, 6: P(W+ ≥ 4.5) = 3/8, so p = 6/8.
        Assert.Equal(6.0 / 8, PairedTests.WilcoxonSignedRank([0, 1, -1, 2, 0]), 12);
        // W+ = 1.5 of 0, 1.5, 1.5, 3: both tails 3/4, p capped at 1.
        Assert.Equal(1.0, PairedTests.WilcoxonSignedRank([1, -1]), 12);
        // All positive with ties: W+ = 6 is the maximum, reached by 1 of 8 patterns: p = 2/8.
        Assert.Equal(2.0 / 8, PairedTests.WilcoxonSignedRank([1, 1, 2]), 12);
        Assert.Equal(1.0, PairedTests.WilcoxonSignedRank([]), 12);
    }

    [Fact]
    public void ComparisonCountsAndBootstrapsTheDifferences()
    {
        var c = PairedComparison.Of("logconf", "xent", [0.1, 0.2, 0.3, 0.4, -0.1, 0], excluded: 2);
        Assert.Equal((6, 2, 4, 1, 1), (c.Units, c.Excluded, c.Wins, c.Losses, c.Ties));
        Assert.Equal(0.15, c.MeanDifference!.Value, 12);
        // The bootstrap means of resampled differences lie within [min, max]; the interval holds the mean.
        Assert.InRange(c.CiLow!.Value, -0.1, 0.15);
        Assert.InRange(c.CiHigh!.Value, 0.15, 0.4);
        Assert.True(c.CiLow < c.CiHigh);
        Assert.Equal(2.0 * (1 + 5) / 32, c.SignTestP, 12); // 4 wins, 1 loss (the tie dropped): 2 · P(X ≤ 1), X ~ Bin(5, 1/2)
    }

    [Fact]
    public void ConstantDifferencesHaveADegenerateInterval()
    {
        var c = PairedComparison.Of("a", "b", [0.2, 0.2, 0.2], excluded: 0);
        Assert.Equal(0.2, c.CiLow!.Value, 12);
        Assert.Equal(0.2, c.CiHigh!.Value, 12);
        var single = PairedComparison.Of("a", "b", [0.2], excluded: 1);
        Assert.Null(single.CiLow);
    }
}

/// <summary>How the report pairs methods into units (task × seed) and leaves out undefined PGRs.</summary>
public class MethodComparisonReportTests
{
    private static Results.ResultRow Row(int seed, string weak, string method, double? pgr) =>
        new("t", seed, weak, "s", method, "plain", "x", method, 0.7, 0.75, 0.8, pgr is null ? 0.01 : 0.1, pgr, pgr is null ? "small gap" : null,
            null, null, null, null, 0.7, 0.9, 0.95, 0.3, 5, "", "", 100, 100, 100, 100, 0.5, Results.Json.Serialize(new Protocol.ExperimentConfig()));

    [Fact]
    public void AUnitIsATaskAndSeedAveragedOverItsPairsAndUndefinedUnitsAreCounted()
    {
        var rows = new[]
        {
            // Seed 0: pairs w1 (0.5 − 0.3) and w2 (0.4 − 0.4): unit difference 0.1.
            Row(0, "w1", "xent", 0.3), Row(0, "w1", "logconf", 0.5), Row(0, "w2", "xent", 0.4), Row(0, "w2", "logconf", 0.4),
            // Seed 1: w1 undefined for both (no gap), w2 0.2 − 0.5 = −0.3.
            Row(1, "w1", "xent", null), Row(1, "w1", "logconf", null), Row(1, "w2", "xent", 0.5), Row(1, "w2", "logconf", 0.2),
            // Seed 2: only undefined pairs: excluded. Seed 3: logconf alone: not a unit.
            Row(2, "w1", "xent", null), Row(2, "w1", "logconf", null), Row(3, "w1", "logconf", 0.9),
        };
        var block = new Reports.SweepSummary("t", rows, []);
        var (differences, excluded) = Reports.MethodComparisonReport.Differences([block], "logconf", "xent");
        Assert.Equal(2, differences.Count);
        Assert.Equal(0.1, differences[0], 12);
        Assert.Equal(-0.3, differences[1], 12);
        Assert.Equal(1, excluded);
        var comparison = Assert.Single(Reports.MethodComparisonReport.Compare([block]));
        Assert.Equal(("logconf", "xent", 2, 1), (comparison.A, comparison.B, comparison.Units, comparison.Excluded));
    }

    [Theory]
    [InlineData(0.123, "+0.12")]
    [InlineData(-0.126, "-0.13")]
    [InlineData(-0.001, "+0.00")]
    [InlineData(0.0, "+0.00")]
    public void MeanDifferencesPrintWithOneSign(double difference, string printed) =>
        Assert.Equal(printed, Reports.SignedNumber.Format(difference, 2));

    [Theory]
    [InlineData(-0.04, "+0.0")] // a gain of −0.04 points printed "-+0.0"
    [InlineData(2.66, "+2.7")]
    [InlineData(-1.55, "-1.6")]
    public void GainsInPointsPrintWithOneSign(double gain, string printed) =>
        Assert.Equal(printed, Reports.SignedNumber.Format(gain, 1));
}

/// <summary>The diagnostics of one experiment, from a hand-made split and hand-made predictions.</summary>
public class GainDiagnosticsTests
{
    private static Protocol.StageOutput Output(float[][] test, float[][]? labels = null) =>
        new(new Protocol.ModelResult("r", "m", "x", "xent", 0.1, 0, 0, null, 0, 0, 0, 0), test, labels, 0, 0);

    private static WeakToStrong.Data.Example E(string text, int label) => WeakToStrong.Data.Example.Of(text, null, label);

    [Fact]
    public void GainMisfitAndTheCorrectionExpansionSplitMatchHandComputedValues()
    {
        // B: three apples the weak model labels right (class 0), three plums it labels wrong (class 0, truth 1).
        var b = new[] { E("apple red", 0), E("apple green", 0), E("apple ripe", 0), E("plum purple", 1), E("plum dark", 1), E("plum soft", 1) };
        var test = new[] { E("apple pie", 0), E("plum jam", 1), E("apple tart", 0), E("plum cake", 1) };
        var split = new Protocol.ExperimentSplit([E("anything", 0), E("else", 1)], b, test, 2);
        float[][] weakOnB = [[.9f, .1f], [.9f, .1f], [.9f, .1f], [.6f, .4f], [.6f, .4f], [.6f, .4f]];
        var weak = Output([[.8f, .2f], [.7f, .3f], [.4f, .6f], [.2f, .8f]], weakOnB); // right, wrong, wrong, right
        float[][] studentOnB = [[.9f, .1f], [.9f, .1f], [.9f, .1f], [.6f, .4f], [.6f, .4f], [.1f, .9f]];
        var student = Output([[.6f, .4f], [.4f, .6f], [.9f, .1f], [.7f, .3f]]) with { TrainProbabilities = studentOnB }; // right, right, right, wrong

        var d = Protocol.GainDiagnostics.Of(split, weak, student, weakOnB);
        // Fixes: "plum jam" and "apple tart"; break: "plum cake". Gain (2 − 1) / 4.
        Assert.Equal((2, 1), (d.StudentFixes, d.StudentBreaks));
        Assert.Equal(0.25, d.Gain, 12);
        // Per example 2·(difference)²: 0.08, 0.18, 0.5, 0.5 -> mean 0.315.
        Assert.Equal(0.315, d.MisfitOnTest, 6);
        // Brier: weak 0.08, 0.98, 0.72, 0.08 -> 0.465; student 0.32, 0.32, 0.02, 0.98 -> 0.41.
        Assert.Equal(0.465, d.WeakSquaredError, 6);
        Assert.Equal(0.41, d.StudentSquaredError, 6);
        Assert.Equal(0.055, d.SquaredGain, 6);
        // Only the last B example differs: 2·(0.6 − 0.1)² = 0.5, over 6.
        Assert.Equal(0.5 / 6, d.MisfitOnB!.Value, 6);
        // "apple tart": nearest 5 of B are the 3 apples (shared word) and plums 1–2 (ties at 0 go to the earlier row):
        // 3 right of 5 -> correction. "plum jam": the 3 plums and apples 1–2: 2 right -> expansion.
        Assert.Equal(new Metrics.CorrectionExpansion(2, 1, 1, 5), d.CorrectionExpansion);
    }

    [Fact]
    public void AStudentCachedWithoutItsPredictionsOnBHasNoMisfitOnB()
    {
        var split = new Protocol.ExperimentSplit([E("a", 0)], [E("b", 0)], [E("c", 0)], 2);
        var json = Results.Json.Serialize(Output([[1f, 0f]]));
        Assert.Contains("trainProbabilities", json);
        var before = json.Replace("\"trainProbabilities\": null,", "").Replace(",\n  \"trainProbabilities\": null", "");
        Assert.DoesNotContain("trainProbabilities", before); // as a cache entry written before the field existed
        var old = Results.Json.Deserialize<Protocol.StageOutput>(before);
        Assert.Null(old.TrainProbabilities);
        var d = Protocol.GainDiagnostics.Of(split, Output([[1f, 0f]], [[1f, 0f]]), old, [[1f, 0f]]);
        Assert.Null(d.MisfitOnB);
        Assert.Equal(0, d.MisfitOnTest, 12);
    }
}
