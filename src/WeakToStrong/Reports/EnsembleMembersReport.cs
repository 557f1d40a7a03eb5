using System.Globalization;
using WeakToStrong.Metrics;
using WeakToStrong.Results;

namespace WeakToStrong.Reports;

/// <summary>
/// One member of a weak ensemble in a report block, over the seeds whose results recorded the members: its test accuracy
/// and the accuracy of its own labels on B, beside the ensemble's (the weak accuracy the PGR uses).
/// </summary>
internal sealed record EnsembleMemberSummary(
    string Ensemble, string Model, int Resample, SeedSummary TestAccuracy, SeedSummary LabelAccuracyOnB,
    SeedSummary EnsembleAccuracy, SeedSummary EnsembleLabelAccuracyOnB)
{
    /// <summary>The member as the table names it: a bagged copy with its resample of A.</summary>
    public string Member => Resample > 0 ? $"{Model} (resample {Resample})" : Model;
}

/// <summary>
/// The report's "weak ensemble members" table: whether an ensemble beats its members, and by how much, from the members
/// each stored result recorded. Every experiment of one ensemble and seed shares the same member stages, so each seed
/// counts once.
/// </summary>
internal static class EnsembleMembersReport
{
    public static IReadOnlyList<EnsembleMemberSummary> Members(SweepSummary block) =>
        block.Rows.Where(r => r.WeakMembers is { Count: > 0 }).GroupBy(r => r.Weak).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(ensemble =>
            {
                var seeds = ensemble.GroupBy(r => r.Seed).Select(g => g.First()).ToList();
                var accuracy = SeedSummary.Of(seeds.Select(r => r.WeakAccuracy).ToList())!;
                var onB = SeedSummary.Of(seeds.Select(r => r.WeakLabelAccuracyOnB).ToList())!;
                // Members in the ensemble's own order (that of its first seed).
                return seeds.SelectMany(r => r.WeakMembers!).GroupBy(m => (m.Model, m.Resample)).Select(m => new EnsembleMemberSummary(
                    ensemble.Key, m.Key.Model, m.Key.Resample, SeedSummary.Of(m.Select(x => x.TestAccuracy).ToList())!,
                    SeedSummary.Of(m.Select(x => x.LabelAccuracyOnB).ToList())!, accuracy, onB));
            }).ToList();

    /// <summary>The table, or null when the block has no ensemble.</summary>
    public static ReportTable? Table(SweepSummary block)
    {
        var members = Members(block);
        if (members.Count == 0) return null;
        return new ReportTable($"{block.Title}: weak ensemble members: each member's test accuracy and share of right labels on B, beside the ensemble's (mean ± standard error over seeds)",
            ["ensemble", "member", "seeds", "member test acc", "member labels right on B", "ensemble test acc", "ensemble labels right on B"],
            members.Select(m => (IReadOnlyList<string>)[m.Ensemble, m.Member, m.TestAccuracy.Count.ToString(CultureInfo.InvariantCulture),
                Pct(m.TestAccuracy), Pct(m.LabelAccuracyOnB), Pct(m.EnsembleAccuracy), Pct(m.EnsembleLabelAccuracyOnB)]).ToList());
    }

    /// <summary>Mean ± standard error in percent; the mean alone for one seed.</summary>
    private static string Pct(SeedSummary s) =>
        s.Count > 1 ? $"{F1(s.Mean * 100)}% ± {F1(s.StandardError * 100)}" : $"{F1(s.Mean * 100)}%";

    private static string F1(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
}
