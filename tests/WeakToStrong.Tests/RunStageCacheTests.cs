using WeakToStrong.Data;
using WeakToStrong.Protocol;
using WeakToStrong.Sweeps;
using WeakToStrong.Tests.Data;
using Xunit;

namespace WeakToStrong.Tests;

public class RunStageCacheTests
{
    [Fact]
    public void RunsOfDifferentLossesShareWeakAndCeilingStages()
    {
        var rng = new Random(2);
        Example Make(int i) { int y = rng.Next(2); return Example.Of($"{(y == 1 ? "sunny" : "rainy")} day {i} {rng.Next(50)}", null, y); }
        var all = Enumerable.Range(0, 300).Select(Make).ToList();
        var split = new ExperimentSplit(all[..100], all[100..200], all[200..], 2);
        var data = new DataReport("toy", 2, ["0", "1"], 100, 100, 100, 0.5, []);
        using var dir = new TempDir();
        var cache = new StageCache(Path.Combine(dir.Path, "cache"));
        int Files() => Directory.GetFiles(cache.Root, "*.json", SearchOption.AllDirectories).Length;

        var xent = Experiment.Run(split, data, new ExperimentConfig("bow", "bow", "xent", Seed: 4), cache: cache).Result;
        Assert.Equal(3, Files()); // weak, student, ceiling
        var logconf = Experiment.Run(split, data, new ExperimentConfig("bow", "bow", "logconf", Seed: 4), cache: cache).Result;
        Assert.Equal(4, Files()); // only the new student
        Assert.Equal(xent.Weak, logconf.Weak);
        Assert.Equal(xent.Ceiling, logconf.Ceiling);

        // A rerun loads every stage and gives the same result as the fresh run.
        var again = Experiment.Run(split, data, new ExperimentConfig("bow", "bow", "xent", Seed: 4), cache: cache).Result;
        Assert.Equal(xent.Student, again.Student);
        Assert.Equal(4, Files());
    }
}
