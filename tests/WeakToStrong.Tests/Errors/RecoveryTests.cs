using WeakToStrong.Protocol;
using WeakToStrong.Results;
using WeakToStrong.Sweeps;
using WeakToStrong.Tests.Sweeps;

namespace WeakToStrong.Tests.Errors;

/// <summary>Damaged files a sweep or run leaves to its next run: unreadable cache entries, stores and results are recomputed or rebuilt, with a warning naming them.</summary>
public sealed class RecoveryTests : IDisposable
{
    private readonly string _folder = SweepFixtures.TempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SweepPlan Plan() => SweepPlan.Create(
        new SweepConfig(["synthetic"], SweepFixtures.CheapLadder(), ["xent"], Seeds: 1), _ => SweepFixtures.Synthetic());

    private (SweepOutcome Outcome, string Csv, List<string> Warnings) Sweep(ResultStore? store = null)
    {
        var warnings = new List<string>();
        store ??= new ResultStore(Path.Combine(_folder, "results.sqlite"));
        var cache = new StageCache(Path.Combine(_folder, "cache")) { Warn = warnings.Add };
        var plan = Plan();
        SweepManifest.Of(plan, ["w2s", "sweep"], "local").Save(_folder);
        var outcome = new SweepRunner(cache, store).Run(plan);
        store.Export(_folder);
        return (outcome, File.ReadAllText(Path.Combine(_folder, "results.csv")), warnings);
    }

    [Fact]
    public void ATruncatedCacheEntryIsRecomputedWithAWarningAndStatusDoesNotCallItDone()
    {
        var (first, expected, _) = Sweep();
        var weak = Plan().Stages.First(s => s.Kind == StageKind.Weak);
        var entry = new StageCache(Path.Combine(_folder, "cache")).PathOf(weak);
        var bytes = File.ReadAllBytes(entry);
        File.WriteAllBytes(entry, bytes[..(bytes.Length / 2)]);

        var status = SweepStatus.Of(_folder).Single(s => s.Key == weak.Key);
        Assert.Equal(StageState.NotRun, status.State);
        Assert.Contains(entry, status.Detail);
        Assert.All(SweepStatus.Of(_folder).Where(s => s.Key != weak.Key), s => Assert.Equal(StageState.Done, s.State));

        var (again, actual, warnings) = Sweep();
        Assert.Equal(1, again.Executed); // only the damaged stage; its students' entries are intact
        Assert.Equal(first.Total - 1, again.Cached);
        Assert.Equal(expected, actual);
        var warning = Assert.Single(warnings);
        Assert.StartsWith(entry + ": unreadable stage-cache entry", warning);
        Assert.Equal(StageState.Done, SweepStatus.Of(_folder).Single(s => s.Key == weak.Key).State);
    }

    [Fact]
    public void AnEntryThatIsValidJsonButNotAStageCountsAsMissingToo()
    {
        Sweep();
        var ceiling = Plan().Stages.First(s => s.Kind == StageKind.Ceiling);
        var cache = new StageCache(Path.Combine(_folder, "cache")) { Warn = null };
        foreach (var content in new[] { "null", "{}", "[1, 2]", "" })
        {
            File.WriteAllText(cache.PathOf(ceiling), content);
            Assert.False(new StageCache(cache.Root) { Warn = null }.Contains(ceiling), $"'{content}' counted as finished");
        }
    }

    [Fact]
    public void AGarbageStoreIsMovedAsideAndRebuiltByTheSweepButNamedByReaders()
    {
        var (_, expected, _) = Sweep();
        var path = Path.Combine(_folder, "results.sqlite");
        var rows = new ResultStore(path).Rows().Count;
        File.WriteAllBytes(path, Enumerable.Range(0, 8192).Select(i => (byte)(i * 7 % 253)).ToArray());

        // What `w2s report` does: open the store as it is.
        var e = Assert.Throws<UserInputException>(() => new ResultStore(path));
        Assert.StartsWith(path + ": ", e.Message);

        // What `w2s sweep` does: move it aside, start anew, refill from the cache.
        var warnings = new List<string>();
        var store = ResultStore.OpenOrReplace(path, warnings.Add);
        var warning = Assert.Single(warnings);
        Assert.StartsWith(path + ": not a readable SQLite database", warning);
        Assert.Single(Directory.GetFiles(_folder, "results.sqlite.damaged-*"));
        var (again, actual, _) = Sweep(store);
        Assert.Equal(0, again.Executed);
        Assert.Equal(rows, store.Rows().Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ADamagedSweepJsonIsNamedWithHowToRewriteIt()
    {
        File.WriteAllText(Path.Combine(_folder, SweepManifest.FileName), "{\"Config\": {\"Tasks\": [\"synth");
        var e = Assert.Throws<UserInputException>(() => SweepStatus.Of(_folder));
        Assert.StartsWith(Path.Combine(_folder, SweepManifest.FileName) + ": is damaged", e.Message);
        Assert.Contains("w2s sweep", e.Message);
    }
}
