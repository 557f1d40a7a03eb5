using WeakToStrong.Data;
using WeakToStrong.Protocol;
using WeakToStrong.Sweeps;
using WeakToStrong.Tests.Data;

namespace WeakToStrong.Tests.Sweeps;

/// <summary>What one Slurm array task runs: one stage through the cache, the same stage a local run computes.</summary>
public class StageTaskTests
{
    [Fact]
    public void AStageJobComputesOnceRefusesAMissingLabellerAndMatchesALocalRun()
    {
        var rng = new Random(3);
        Example Make(int i) { int y = rng.Next(2); return Example.Of($"{(y == 1 ? "sunny" : "rainy")} day {i} {rng.Next(50)}", null, y); }
        var all = Enumerable.Range(0, 300).Select(Make).ToList();
        var split = new ExperimentSplit(all[..100], all[100..200], all[200..], 2);
        var data = new DataReport("toy", 2, ["0", "1"], 100, 100, 100, 0.5, []);
        var config = new ExperimentConfig("bow", "bow", "logconf", Seed: 1);
        var plan = Experiment.Plan(config, data.Task, split.Fingerprint);
        using var dir = new TempDir();
        var cache = new StageCache(Path.Combine(dir.Path, "cache"));

        var e = Assert.Throws<UserInputException>(() => StageTask.Run(plan.Student, split, cache));
        Assert.Contains("is not finished", e.Message);
        Assert.Equal(StageTask.Outcome.Computed, StageTask.Run(plan.Weak, split, cache));
        Assert.Equal(StageTask.Outcome.AlreadyFinished, StageTask.Run(plan.Weak, split, cache));
        Assert.Equal(StageTask.Outcome.Computed, StageTask.Run(plan.Student, split, cache));

        var local = Experiment.Run(split, data, config).Result;
        foreach (var (mine, job) in new[] { (local.Weak, cache.TryLoad(plan.Weak)!.Result), (local.Student, cache.TryLoad(plan.Student)!.Result) })
        {
            Assert.Equal(mine.TestAccuracy, job.TestAccuracy);
            Assert.Equal(mine.TestAuroc, job.TestAuroc);
            Assert.Equal(mine.FinalTrainLoss, job.FinalTrainLoss);
            Assert.Equal(mine.Steps, job.Steps);
        }
    }
}
