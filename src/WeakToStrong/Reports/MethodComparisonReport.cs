using System.Globalization;
using WeakToStrong.Metrics;
using WeakToStrong.Results;

namespace WeakToStrong.Reports;

/// <summary>
/// Paired comparisons of methods over tasks and seeds. A unit is one task (block) and one seed: both methods trained
/// students for the same weak→strong pairs on the same split, so their PGRs pair up. The unit's difference is the mean
/// over its matched pairs whose PGR is defined for both; a unit with none is excluded and counted, not averaged in.
/// Seeds re-draw the split and the initialisation, so units are treated as independent.
/// </summary>
internal static class MethodComparisonReport
{
    /// <summary>Every pair of methods that share a unit, the later method (in report order) minus the earlier.</summary>
    public static IReadOnlyList<PairedComparison> Compare(IReadOnlyList<SweepSummary> blocks)
    {
        var methods = blocks.SelectMany(b => b.Methods).Distinct().ToList();
        var comparisons = new List<PairedComparison>();
        for (int i = 0; i < methods.Count; i++)
        for (int j = i + 1; j < methods.Count; j++)
        {
            var (differences, excluded) = Differences(blocks, methods[j], methods[i]);
            if (differences.Count + excluded > 0) comparisons.Add(PairedComparison.Of(methods[j], methods[i], differences, excluded));
        }
        return comparisons;
    }

    /// <summary>Per unit where both methods ran: the mean PGR difference a − b over the matched pairs, or excluded.</summary>
    internal static (List<double> Differences, int Excluded) Differences(IReadOnlyList<SweepSummary> blocks, string a, string b)
    {
        var differences = new List<double>();
        int excluded = 0;
        foreach (var block in blocks)
        foreach (var seed in block.Rows.GroupBy(r => r.Seed))
        {
            var ofB = seed.Where(r => r.Method == b).ToDictionary(r => (r.Weak, r.Strong));
            var matched = seed.Where(r => r.Method == a && ofB.ContainsKey((r.Weak, r.Strong))).Select(r => (A: r, B: ofB[(r.Weak, r.Strong)])).ToList();
            if (matched.Count == 0) continue;
            var defined = matched.Where(m => m.A.Pgr is not null && m.B.Pgr is not null).Select(m => m.A.Pgr!.Value - m.B.Pgr!.Value).ToList();
            if (defined.Count > 0) differences.Add(defined.Average()); else excluded++;
        }
        return (differences, excluded);
    }

    public static ReportTable Table(IReadOnlyList<SweepSummary> blocks) =>
        new("Paired method comparisons: PGR of method A minus method B per task and seed (mean over the weak→strong pairs both ran); " +
            "units whose PGR is undefined (gap below the threshold) are excluded and counted. Interval: percentile bootstrap over units; " +
            "p-values: exact two-sided sign test and Wilcoxon signed-rank test (zero differences dropped)",
            ["A", "B", "units (task × seed)", "excluded (PGR undefined)", "mean A − B", "95% interval", "A better / worse / equal", "sign test p", "Wilcoxon p"],
            Compare(blocks).Select(c => (IReadOnlyList<string>)[c.A, c.B, c.Units.ToString(CultureInfo.InvariantCulture), c.Excluded.ToString(CultureInfo.InvariantCulture),
                c.MeanDifference is double d ? SignedNumber.Format(d, 2) : "n/a", c.CiLow is double lo ? $"[{F(lo, "F2")}, {F(c.CiHigh!.Value, "F2")}]" : "n/a (< 2 units)",
                $"{c.Wins} / {c.Losses} / {c.Ties}", F(c.SignTestP, "F3"), F(c.WilcoxonP, "F3")]).ToList());

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
