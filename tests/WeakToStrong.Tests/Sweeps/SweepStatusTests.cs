using WeakToStrong.Protocol;
using WeakToStrong.Sweeps;

namespace WeakToStrong.Tests.Sweeps;

/// <summary>`w2s status` of a local sweep: done from the cache, running from a held lock, the rest not run (no Slurm needed).</summary>
public class SweepStatusTests
{
    private sealed class StopAfter(int finished) : IProgress<SweepProgress>
    {
        private int count;
        public void Report(SweepProgress p)
        {
            if (p.Event == SweepEvent.Finished && ++count == finished) throw new OperationCanceledException();
        }
    }

    [Fact]
    public void AnInterruptedLocalSweepShowsDoneRunningAndNotRunStages()
    {
        var folder = SweepFixtures.TempFolder();
        try
        {
            var plan = SweepPlan.Create(new SweepConfig(["synthetic"], SweepFixtures.CheapLadder(), ["xent"]), _ => SweepFixtures.Synthetic());
            SweepManifest.Of(plan, ["w2s", "sweep"], "local").Save(folder);
            var cache = new StageCache(Path.Combine(folder, "cache"));
            Assert.Throws<OperationCanceledException>(() => new SweepRunner(cache).Run(plan, new StopAfter(3)));
            var next = plan.Stages.First(s => !cache.Contains(s));
            using var claim = cache.TryLock(next); // as if another sweep were computing it

            var status = SweepStatus.Of(folder);
            Assert.Equal(plan.Stages.Select(s => s.Key), status.Select(s => s.Key));
            Assert.Equal(3, status.Count(s => s.State == StageState.Done));
            Assert.Equal(StageState.Running, status.Single(s => s.Key == next.Key).State);
            Assert.Equal(plan.Stages.Count - 4, status.Count(s => s.State == StageState.NotRun));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void StatusOfAFolderWithoutASweepSaysSo()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"w2s-none-{Guid.NewGuid():N}");
        var e = Assert.Throws<UserInputException>(() => SweepStatus.Of(missing));
        Assert.StartsWith(missing + ":", e.Message);
        Directory.CreateDirectory(missing);
        try
        {
            e = Assert.Throws<UserInputException>(() => SweepStatus.Of(missing));
            Assert.Contains("holds no sweep", e.Message);
        }
        finally { Directory.Delete(missing); }
    }
}
