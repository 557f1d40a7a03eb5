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
        // A fix sharing no term with B: every similarity is 0, so the neighbours are rows 0 and 1 (weak right) and row 2.
        var split = CorrectionExpansion.Of([Row((9, 1f))], [Row((1, 1f)), Row((1, 1f)), Row((1, 1f)), Row((1, 1f))], [true, true, false, false], neighbours: 3);
        Assert.Equal(1, split.Correction);
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
