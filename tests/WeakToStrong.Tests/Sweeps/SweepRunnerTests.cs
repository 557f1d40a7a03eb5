using System.Diagnostics;
using WeakToStrong.Protocol;
using WeakToStrong.Reports;
using WeakToStrong.Results;
using WeakToStrong.Sweeps;

namespace WeakToStrong.Tests.Sweeps;

/// <summary>Sweeps of cheap bag-of-words rungs on a small synthetic task: resume, cache hits, store, report.</summary>
public class SweepRunnerTests
{
    private static SweepPlan Plan() => SweepPlan.Create(
        new SweepConfig(["synthetic"], SweepFixtures.CheapLadder(), ["xent", "logconf"], Seeds: 2), _ => SweepFixtures.Synthetic());

    private sealed class StopAfter(int finished) : IProgress<SweepProgress>
    {
        private int count;
        public void Report(SweepProgress p)
        {
            if (p.Event == SweepEvent.Finished && ++count == finished) throw new OperationCanceledException($"killed after {finished} stages");
        }
    }

    private static (SweepOutcome Outcome, string Csv) Sweep(string folder, IProgress<SweepProgress>? progress = null)
    {
        var store = new ResultStore(Path.Combine(folder, "results.sqlite"));
        var outcome = new SweepRunner(new StageCache(Path.Combine(folder, "cache")), store).Run(Plan(), progress);
        store.Export(folder);
        return (outcome, File.ReadAllText(Path.Combine(folder, "results.csv")));
    }

    [Fact]
    public void InterruptedTwiceAndRestartedEndsWithTheSameResultsAsAnUninterruptedSweep()
    {
        string straight = SweepFixtures.TempFolder(), interrupted = SweepFixtures.TempFolder();
        try
        {
            var (full, expected) = Sweep(straight);
            Assert.Equal(22, full.Total); // per seed: 2 weak, 3 ceilings, 3 pairs × 2 losses
            Assert.Equal(full.Total, full.Executed);
            Assert.Equal(12 + 1, expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header + 12 experiments

            var store = new ResultStore(Path.Combine(interrupted, "results.sqlite"));
            var runner = new SweepRunner(new StageCache(Path.Combine(interrupted, "cache")), store);
            Assert.Throws<OperationCanceledException>(() => runner.Run(Plan(), new StopAfter(5)));
            Assert.Throws<OperationCanceledException>(() => runner.Run(Plan(), new StopAfter(7)));
            var rows = store.Rows().Count;
            Assert.InRange(rows, 1, 11); // finished experiments are stored as they complete
            var (rest, actual) = Sweep(interrupted);
            Assert.Equal(12, rest.Cached);               // the 5 + 7 stages of the killed runs were kept
            Assert.Equal(full.Total - 12, rest.Executed); // and not recomputed
            Assert.Equal(expected, actual);
            Assert.Empty(Directory.EnumerateFiles(interrupted, "*.tmp", SearchOption.AllDirectories));
            Assert.Empty(Directory.EnumerateFiles(interrupted, "*.lock", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(straight, true);
            Directory.Delete(interrupted, true);
        }
    }

    [Fact]
    public void ACacheHitRecomputesNothingAndTheReportWritesFiguresAndTables()
    {
        var folder = SweepFixtures.TempFolder();
        try
        {
            var (first, csv) = Sweep(folder);
            var (second, again) = Sweep(folder);
            Assert.Equal(first.Total, first.Executed);
            Assert.Equal(0, second.Executed);
            Assert.Equal(second.Total, second.Cached);
            Assert.Equal(csv, again);

            var store = new ResultStore(Path.Combine(folder, "results.sqlite"));
            Assert.Equal((2 + 3) * 2, store.GroundTruthRows().Count); // weak and ceiling stages, per seed
            Assert.Contains(",weak_auroc,student_auroc,ceiling_auroc,auroc_pgr,", csv.Split('\n')[0]);
            foreach (var row in store.Rows()) // a binary task: every row has AUROCs, and PGR of AUROC is (s - w) / (c - w) when defined
            {
                Assert.NotNull(row.StudentAuroc);
                if (row.AurocPgr is double pgr)
                    Assert.Equal((row.StudentAuroc!.Value - row.WeakAuroc!.Value) / (row.CeilingAuroc!.Value - row.WeakAuroc.Value), pgr, 9);
            }
            var files = SweepReport.Write(store.Rows(), store.GroundTruthRows(), Path.Combine(folder, "report"));
            Assert.Contains(files, f => f.EndsWith("report.html"));
            Assert.Contains(files, f => f.EndsWith("summary.md"));
            var pngs = files.Where(f => f.EndsWith(".png")).ToList();
            Assert.NotEmpty(pngs);
            Assert.All(pngs, f => Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(f).Take(4).ToArray()));
            var html = File.ReadAllText(files.Single(f => f.EndsWith("report.html")));
            Assert.Contains("data:image/png;base64,", html); // self-contained
            var md = File.ReadAllText(files.Single(f => f.EndsWith("summary.md")));
            Assert.Contains("median PGR", md);
            Assert.Contains("imitation", md);
            Assert.Contains("PGR over seeds: mean ± SE [95% interval]", md);
            Assert.Equal(store.Rows().Any(r => r.AurocPgr is not null), md.Contains("PGR of AUROC over seeds"));
            Assert.Contains("Across tasks", md);
            // Diagnostics on every row, the gain-misfit figure and the paired comparison of the two losses.
            Assert.All(store.Rows(), r => Assert.True(r.MisfitOnB is >= 0 && r.MisfitOnTest is >= 0 && r.Correction + r.Expansion >= 0));
            Assert.Contains(pngs, f => f.EndsWith("-gain-misfit.png"));
            Assert.Contains("misfit on test", md);
            Assert.Contains("| logconf | xent |", md);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void SingleRunAndSweepShareStagesAndAgree()
    {
        var folder = SweepFixtures.TempFolder();
        try
        {
            var plan = Plan();
            new SweepRunner(new StageCache(Path.Combine(folder, "cache"))).Run(plan);
            var cell = plan.Cells.First(c => c.Seed == 1 && c.Plan.Config.Loss == "logconf");
            var data = plan.Data[(cell.Task, cell.Seed)];
            var (single, _, _) = Experiment.Run(data.Split, data.Report, cell.Plan.Config);
            var cache = new StageCache(Path.Combine(folder, "cache"));
            var swept = cell.Plan.Assemble(data.Split, data.Report, s => cache.TryLoad(s)!);
            Assert.Equal(Json.Serialize(single with { TotalSeconds = 0, Weak = single.Weak with { TrainSeconds = 0 }, Student = single.Student with { TrainSeconds = 0 }, Ceiling = single.Ceiling with { TrainSeconds = 0 } }),
                Json.Serialize(swept with { TotalSeconds = 0, Weak = swept.Weak with { TrainSeconds = 0 }, Student = swept.Student with { TrainSeconds = 0 }, Ceiling = swept.Ceiling with { TrainSeconds = 0 } }));
        }
        finally { Directory.Delete(folder, true); }
    }
}
