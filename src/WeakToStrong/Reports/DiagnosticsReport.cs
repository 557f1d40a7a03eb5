using System.Globalization;
using WeakToStrong.Results;

namespace WeakToStrong.Reports;

/// <summary>
/// The report's diagnostics of a block: gain against misfit per weak→strong pair (Charikar et al.'s bound says the
/// squared-loss gain is about the misfit, so points near y = x), and per method the mean misfit, gain and
/// correction/expansion split. Rows stored before the diagnostics existed are left out and counted.
/// </summary>
internal static class DiagnosticsReport
{
    public static IEnumerable<(string File, string Caption)> Figures(SweepSummary block, string folder, string slug)
    {
        var series = block.Methods.Select((method, i) =>
        {
            var pairs = block.Pairs.Where(p => p.Method == method).Select(p => p.Rows.Where(Has).ToList()).Where(r => r.Count > 0).ToList();
            return new ScatterSeries(method, i, pairs.Select(r => r.Average(x => x.MisfitOnTest!.Value)).ToArray(),
                pairs.Select(r => r.Average(x => x.SquaredGain!.Value)).ToArray());
        }).Where(s => s.X.Length > 0).ToList();
        if (series.Count == 0) yield break;
        var file = Path.Combine(folder, $"{slug}-gain-misfit.png");
        ScatterFigure.Save(file, $"{block.Title}: gain against misfit", "misfit: mean squared distance student–weak on test",
            "gain: weak minus student squared error on test", series);
        yield return (file, $"{block.Title}: one point per weak→strong pair (mean over seeds). With squared loss and a convex strong " +
                            "class the gain is at least the misfit (Charikar et al.): points on or above the dashed y = x line fit that account.");
    }

    public static ReportTable Table(SweepSummary block)
    {
        int missing = block.Rows.Count(r => !Has(r));
        return new ReportTable($"{block.Title}: diagnostics (mean over pairs and seeds{(missing > 0 ? $"; {missing} runs stored before the diagnostics left out" : "")}). " +
                               "Gain: weak minus student error; correction share: student fixes of weak errors whose 5 nearest examples of B mostly had right weak labels, " +
                               "among the fixes that share a feature with some example of B (the rest are isolated)",
            ["method", "misfit on B", "misfit on test", "gain (accuracy)", "gain (squared error)", "fixes: correction / expansion / isolated", "correction share"],
            block.Methods.Select(m =>
            {
                var rows = block.Rows.Where(r => r.Method == m && Has(r)).ToList();
                if (rows.Count == 0) return (IReadOnlyList<string>)[m, "-", "-", "-", "-", "-", "-"];
                var onB = rows.Where(r => r.MisfitOnB is not null).ToList();
                int correction = rows.Sum(r => r.Correction ?? 0), expansion = rows.Sum(r => r.Expansion ?? 0), isolated = rows.Sum(r => r.Isolated ?? 0);
                return (IReadOnlyList<string>)[m, onB.Count > 0 ? F3(onB.Average(r => r.MisfitOnB!.Value)) : "-", F3(rows.Average(r => r.MisfitOnTest!.Value)),
                    $"{SignedNumber.Format(rows.Average(r => r.Gain!.Value) * 100, 1)} pts", F3(rows.Average(r => r.SquaredGain!.Value)), $"{correction} / {expansion} / {isolated}",
                    correction + expansion > 0 ? $"{100.0 * correction / (correction + expansion):F0}%" : "-"];
            }).ToList());
    }

    private static bool Has(ResultRow r) => r.MisfitOnTest is not null && r.SquaredGain is not null && r.Gain is not null;

    private static string F3(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
}
