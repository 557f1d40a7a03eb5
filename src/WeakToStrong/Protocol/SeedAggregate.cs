using WeakToStrong.Metrics;

namespace WeakToStrong.Protocol;

/// <summary>One configuration repeated over seeds: each accuracy and PGR summarised, and how many seeds left PGR undefined.</summary>
internal sealed record SeedAggregate(
    string Task, string Weak, string Strong, string Loss, int[] Seeds,
    SeedSummary WeakAccuracy, SeedSummary StudentAccuracy, SeedSummary CeilingAccuracy,
    SeedSummary? Pgr, int PgrUndefinedSeeds, double? PgrOfMeans, string? PgrOfMeansUndefinedReason)
{
    /// <summary>PGR of AUROC over the seeds where it is defined (null where none is).</summary>
    public SeedSummary? AurocPgr { get; init; }

    /// <summary>Gain (weak minus student test error) and misfit on test (<see cref="GainDiagnostics"/>), over the seeds that have them.</summary>
    public SeedSummary? Gain { get; init; }
    public SeedSummary? MisfitOnTest { get; init; }

    public static SeedAggregate Of(IReadOnlyList<ExperimentResult> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("no runs to aggregate");
        var first = runs[0];
        var weak = SeedSummary.Of(runs.Select(r => r.Weak.TestAccuracy).ToList())!;
        var student = SeedSummary.Of(runs.Select(r => r.Student.TestAccuracy).ToList())!;
        var ceiling = SeedSummary.Of(runs.Select(r => r.Ceiling.TestAccuracy).ToList())!;
        var defined = runs.Where(r => r.Pgr is not null).Select(r => r.Pgr!.Value).ToList();
        // PGR of the mean accuracies is steadier than the mean of per-seed ratios when a seed's gap is small.
        var ofMeans = Metrics.Pgr.Of(weak.Mean, student.Mean, ceiling.Mean, first.Config.MinGap);
        return new SeedAggregate(first.Data.Task, first.Config.WeakModel, first.Config.StrongModel, first.Config.Loss,
            runs.Select(r => r.Config.Seed).ToArray(), weak, student, ceiling, SeedSummary.Of(defined), runs.Count - defined.Count,
            ofMeans.Value, ofMeans.UndefinedReason)
        {
            AurocPgr = SeedSummary.Of(runs.Where(r => r.AurocPgr is not null).Select(r => r.AurocPgr!.Value).ToList()),
            Gain = SeedSummary.Of(runs.Where(r => r.Diagnostics is not null).Select(r => r.Diagnostics!.Gain).ToList()),
            MisfitOnTest = SeedSummary.Of(runs.Where(r => r.Diagnostics is not null).Select(r => r.Diagnostics!.MisfitOnTest).ToList()),
        };
    }
}
