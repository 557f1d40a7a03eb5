using WeakToStrong.Protocol;
using WeakToStrong.Reports;
using WeakToStrong.Results;
using WeakToStrong.Tests.Sweeps;

namespace WeakToStrong.Tests;

/// <summary>The report's weak ensemble members table, from hand-made results (no training).</summary>
public sealed class EnsembleMembersReportTests : IDisposable
{
    private readonly string _folder = SweepFixtures.TempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ResultRow Row(int seed, string weak, string strong, double weakAccuracy, double weakOnB, params EnsembleMemberResult[] members) =>
        new ResultRow("t", seed, weak, strong, "xent", "plain", "x", "xent", weakAccuracy, 0.8, 0.9, 0.2, 0.3, null,
            null, null, null, null, weakOnB, 0.9, 0.95, 0.3, 5, "", "", 100, 100, 100, 100, 0.5, Json.Serialize(new ExperimentConfig()))
        {
            WeakMembers = members.Length > 0 ? members : null,
        };

    private static EnsembleMemberResult M(string model, int resample, double test, double onB) => new(model, resample, test, onB);

    /// <summary>
    /// bag2:bow over two seeds, each seed stored twice (two strong models share the weak stages, so a seed counts once);
    /// bow+minilm-l1 over one seed; a single weak model, which gets no rows.
    /// </summary>
    private static ResultRow[] Rows() =>
    [
        Row(0, "bag2:bow", "minilm-l6", 0.74, 0.73, M("bow", 1, 0.70, 0.68), M("bow", 2, 0.72, 0.70)),
        Row(0, "bag2:bow", "minilm-l12", 0.74, 0.73, M("bow", 1, 0.70, 0.68), M("bow", 2, 0.72, 0.70)),
        Row(1, "bag2:bow", "minilm-l6", 0.72, 0.71, M("bow", 1, 0.66, 0.64), M("bow", 2, 0.70, 0.66)),
        Row(1, "bag2:bow", "minilm-l12", 0.72, 0.71, M("bow", 1, 0.66, 0.64), M("bow", 2, 0.70, 0.66)),
        Row(0, "bow+minilm-l1", "minilm-l6", 0.81, 0.78, M("bow", 0, 0.70, 0.79), M("minilm-l1", 0, 0.80, 0.75)),
        Row(0, "bow", "minilm-l6", 0.70, 0.69),
    ];

    [Fact]
    public void OneRowPerEnsembleMemberWithSeedMeansAndStandardErrorsBesideTheEnsemble()
    {
        var table = EnsembleMembersReport.Table(new SweepSummary("t", Rows(), []))!;
        Assert.Equal(["ensemble", "member", "seeds", "member test acc", "member labels right on B", "ensemble test acc", "ensemble labels right on B"], table.Header);
        // Two seeds: mean ± SE, SE = |a − b| / 2 (e.g. 0.70 and 0.66: 68.0% ± 2.0). One seed: the value alone.
        Assert.Equal<IReadOnlyList<string>>(
        [
            ["bag2:bow", "bow (resample 1)", "2", "68.0% ± 2.0", "66.0% ± 2.0", "73.0% ± 1.0", "72.0% ± 1.0"],
            ["bag2:bow", "bow (resample 2)", "2", "71.0% ± 1.0", "68.0% ± 2.0", "73.0% ± 1.0", "72.0% ± 1.0"],
            ["bow+minilm-l1", "bow", "1", "70.0%", "79.0%", "81.0%", "78.0%"],
            ["bow+minilm-l1", "minilm-l1", "1", "80.0%", "75.0%", "81.0%", "78.0%"],
        ], table.Rows);

        var first = EnsembleMembersReport.Members(new SweepSummary("t", Rows(), []))[0];
        Assert.Equal(0.68, first.TestAccuracy.Mean, 12);
        Assert.Equal(0.02, first.TestAccuracy.StandardError, 12);
        Assert.Equal(0.73, first.EnsembleAccuracy.Mean, 12);
    }

    [Fact]
    public void ABlockWithoutEnsemblesHasNoTable() =>
        Assert.Null(EnsembleMembersReport.Table(new SweepSummary("t", [.. Rows().Where(r => r.Weak == "bow")], [])));

    [Fact]
    public void SummaryAndHtmlShowTheTable()
    {
        var files = SweepReport.Write(Rows(), [], _folder);
        var md = File.ReadAllText(Path.Combine(_folder, "summary.md"));
        var html = File.ReadAllText(files[0]);
        Assert.Contains("*t: weak ensemble members", md);
        Assert.Contains("| bag2:bow | bow (resample 1) | 2 | 68.0% ± 2.0 | 66.0% ± 2.0 | 73.0% ± 1.0 | 72.0% ± 1.0 |", md);
        Assert.Contains("<td>bow+minilm-l1</td><td>minilm-l1</td><td>1</td><td>80.0%</td>", html);
    }

    [Fact]
    public void RowsStoredWithoutMembersTakeThemFromTheStoredResultJson()
    {
        var store = new ResultStore(Path.Combine(_folder, "results.sqlite"));
        var rows = Rows();
        // As a store written before rows carried the members: row_json without them, result_json (here its one field) with them.
        var ensemble = rows[0] with { WeakMembers = null };
        var single = rows[5];
        store.Upsert([ensemble, single], [Json.Serialize(new { weakMembers = rows[0].WeakMembers }), Json.Serialize(new { weakMembers = (object?)null })]);

        var read = store.Rows();
        Assert.Equal(rows[0].WeakMembers, read.Single(r => r.Weak == "bag2:bow").WeakMembers);
        Assert.Null(read.Single(r => r.Weak == "bow").WeakMembers);

        // The CSV export keeps the members as one JSON cell.
        store.Export(_folder);
        var csv = File.ReadAllText(Path.Combine(_folder, "results.csv"));
        Assert.EndsWith(",weak_members", csv.Split('\n')[0].TrimEnd('\r'));
        Assert.Contains(",\"[{\"\"model\"\":\"\"bow\"\",\"\"resample\"\":1,\"\"testAccuracy\"\":0.7,\"\"labelAccuracyOnB\"\":0.68},", csv);
    }
}
