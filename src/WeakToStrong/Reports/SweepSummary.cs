using WeakToStrong.Metrics;
using WeakToStrong.Models;
using WeakToStrong.Protocol;
using WeakToStrong.Results;

namespace WeakToStrong.Reports;

/// <summary>A value over seeds: mean and the range (min..max) of the seeds.</summary>
internal sealed record SeedRange(double Mean, double Low, double High, int Seeds)
{
    public static SeedRange? Of(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        return v.Count == 0 ? null : new SeedRange(v.Average(), v.Min(), v.Max(), v.Count);
    }
}

/// <summary>One weak→strong pair under one method, over its seeds.</summary>
internal sealed record PairSummary(
    string Method, string Weak, string Strong, SeedRange WeakAccuracy, SeedRange StudentAccuracy, SeedRange CeilingAccuracy,
    Pgr PgrOfMeans, SeedRange? PgrPerSeed, SeedRange Agreement, SeedRange AgreementWhereWeakRight, SeedRange? AgreementWhereWeakWrong,
    IReadOnlyList<ResultRow> Rows)
{
    /// <summary>PGR computed on test AUROC instead of accuracy, per seed (null where the AUROC gap is below the threshold).</summary>
    public SeedRange? AurocPgrPerSeed => SeedRange.Of(Rows.Where(r => r.AurocPgr is not null).Select(r => r.AurocPgr!.Value));
}

/// <summary>
/// The numbers behind a report block (one task with one set of settings): per-pair summaries per method, and the
/// paper's aggregate, the median PGR over pairs, with an interval over seeds.
/// </summary>
internal sealed class SweepSummary
{
    public SweepSummary(string title, IReadOnlyList<ResultRow> rows, IReadOnlyList<GroundTruthRow> groundTruth)
    {
        Title = title;
        Rows = rows;
        GroundTruth = groundTruth;
        var variantRank = new Dictionary<string, int> { ["plain"] = 0, ["genft"] = 1, ["bootstrap"] = 2 };
        Methods = rows.Select(r => (r.Method, r.Variant, r.Loss)).Distinct()
            .OrderBy(m => variantRank.GetValueOrDefault(m.Variant, 9)).ThenBy(m => LossOrder(m.Loss)).ThenBy(m => m.Loss, StringComparer.Ordinal)
            .Select(m => m.Method).ToList();
        Models = rows.SelectMany(r => new[] { r.Weak, r.Strong }).Concat(groundTruth.Select(g => g.Model)).Distinct().OrderBy(Ladder).ToList();
        MinGap = rows.Count > 0 ? Results.Json.Deserialize<ExperimentConfig>(rows[0].Config).MinGap : Pgr.DefaultMinGap;
        Pairs = rows.GroupBy(r => (r.Method, r.Weak, r.Strong)).Select(g => Pair(g.Key.Method, g.Key.Weak, g.Key.Strong, g.ToList()))
            .OrderBy(p => Methods.ToList().IndexOf(p.Method)).ThenBy(p => Ladder(p.Weak)).ThenBy(p => Ladder(p.Strong)).ToList();
    }

    public string Title { get; }
    public IReadOnlyList<ResultRow> Rows { get; }
    public IReadOnlyList<GroundTruthRow> GroundTruth { get; }
    public IReadOnlyList<string> Methods { get; }
    public IReadOnlyList<string> Models { get; }
    public IReadOnlyList<PairSummary> Pairs { get; }
    public double MinGap { get; }

    /// <summary>Ceiling accuracy per model over seeds (from the ground-truth stages, or else from the experiments).</summary>
    public SeedRange? Ceiling(string model, bool generative)
    {
        var fromStages = GroundTruth.Where(g => g.Model == model && g.Role == "ceiling" && g.Generative == generative).Select(g => g.TestAccuracy).ToList();
        if (fromStages.Count > 0) return SeedRange.Of(fromStages);
        string variant = generative ? "genft" : "plain";
        return SeedRange.Of(Rows.Where(r => r.Strong == model && r.Variant == variant).GroupBy(r => r.Seed).Select(g => g.First().CeilingAccuracy));
    }

    public SeedRange? WeakAccuracy(string model) =>
        SeedRange.Of(Rows.Where(r => r.Weak == model).GroupBy(r => r.Seed).Select(g => g.First().WeakAccuracy));

    /// <summary>
    /// Median over pairs of the PGR of seed-mean accuracies (pairs with a gap below the threshold left out and counted),
    /// and the per-seed medians summarised over seeds (mean, bootstrap 95% interval).
    /// </summary>
    public (double? Median, int Defined, int Pairs, SeedSummary? OverSeeds) MedianPgr(string method)
    {
        var pairs = Pairs.Where(p => p.Method == method).ToList();
        var defined = pairs.Where(p => p.PgrOfMeans.Value is not null).Select(p => p.PgrOfMeans.Value!.Value).ToList();
        var perSeed = Rows.Where(r => r.Method == method).GroupBy(r => r.Seed)
            .Select(g => g.Where(r => r.Pgr is not null).Select(r => r.Pgr!.Value).ToList()).Where(v => v.Count > 0)
            .Select(v => SeedSummary.Median(v)).ToList();
        return (defined.Count > 0 ? SeedSummary.Median(defined) : null, defined.Count, pairs.Count, SeedSummary.Of(perSeed));
    }

    private PairSummary Pair(string method, string weak, string strong, List<ResultRow> rows)
    {
        var w = SeedRange.Of(rows.Select(r => r.WeakAccuracy))!;
        var s = SeedRange.Of(rows.Select(r => r.StudentAccuracy))!;
        var c = SeedRange.Of(rows.Select(r => r.CeilingAccuracy))!;
        return new PairSummary(method, weak, strong, w, s, c, Pgr.Of(w.Mean, s.Mean, c.Mean, MinGap),
            SeedRange.Of(rows.Where(r => r.Pgr is not null).Select(r => r.Pgr!.Value)),
            SeedRange.Of(rows.Select(r => r.Agreement))!, SeedRange.Of(rows.Select(r => r.AgreementWhereWeakRight))!,
            SeedRange.Of(rows.Where(r => r.AgreementWhereWeakWrong is not null).Select(r => r.AgreementWhereWeakWrong!.Value)), rows);
    }

    /// <summary>The naive baseline (xent) first, so it always gets the first line style.</summary>
    internal static int LossOrder(string loss) => loss == "xent" ? 0 : 1;

    internal static int Ladder(string model)
    {
        try { return ModelCatalog.IndexOf(model); } catch (ArgumentException) { return int.MaxValue; }
    }
}
