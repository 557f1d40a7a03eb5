namespace WeakToStrong.Metrics;

/// <summary>
/// Method A against method B over matched units (the same task, seed and weak→strong pairs): the mean of the paired
/// differences A − B, its percentile-bootstrap 95% interval (resampling units, seeded), wins/losses/ties, and the exact
/// sign-test and Wilcoxon signed-rank p-values. Units where the difference is undefined are not averaged in but counted.
/// </summary>
internal sealed record PairedComparison(
    string A, string B, int Units, int Excluded, double? MeanDifference, double? CiLow, double? CiHigh,
    int Wins, int Losses, int Ties, double SignTestP, double WilcoxonP)
{
    /// <param name="differences">A − B per unit where both are defined.</param>
    /// <param name="excluded">Units left out because a value was undefined.</param>
    public static PairedComparison Of(string a, string b, IReadOnlyList<double> differences, int excluded)
    {
        var summary = SeedSummary.Of(differences);
        int wins = differences.Count(d => d > 0), losses = differences.Count(d => d < 0);
        return new PairedComparison(a, b, differences.Count, excluded, summary?.Mean,
            differences.Count > 1 ? summary!.CiLow : null, differences.Count > 1 ? summary!.CiHigh : null,
            wins, losses, differences.Count - wins - losses, PairedTests.SignTest(wins, losses), PairedTests.WilcoxonSignedRank(differences));
    }
}
