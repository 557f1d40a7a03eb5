using WeakToStrong.Models;
using WeakToStrong.Protocol;

namespace WeakToStrong.Tests;

/// <summary>The budget rule: stages on ground truth train to the model's step floor, stages on labels the configured epochs.</summary>
public class TrainingBudgetTests
{
    [Fact]
    public void GroundTruthStagesTakeTheFloorAndLabelFedStagesTheEpochs()
    {
        var plan = Experiment.Plan(new ExperimentConfig("bow", "minilm-l6", Bootstrap: "minilm-l2", StrongToStrong: 1), "t", "d");
        Assert.Equal(ModelCatalog.TransformerMinSteps, plan.Ceiling.MinSteps);
        Assert.Equal(0, plan.Student.MinSteps);
        Assert.All(plan.Links, link => Assert.Equal(0, link.MinSteps));
        Assert.All(plan.Rounds, round => Assert.Equal(0, round.MinSteps));

        var transformerWeak = Experiment.Plan(new ExperimentConfig("minilm-l2", "minilm-l6"), "t", "d");
        Assert.Equal(ModelCatalog.TransformerMinSteps, transformerWeak.Weak.MinSteps);
    }

    [Fact]
    public void EachFloorHasItsOwnSetting()
    {
        var plan = Experiment.Plan(new ExperimentConfig("minilm-l2", "minilm-l6", MinSteps: 50, StudentMinSteps: 120), "t", "d");
        Assert.Equal([50, 50, 120], new[] { plan.Weak, plan.Ceiling, plan.Student }.Select(s => s.MinSteps));
        // The student's floor is part of its stage key, so students of the two rules never share a cache entry.
        var longer = Experiment.Plan(new ExperimentConfig("minilm-l2", "minilm-l6", StudentMinSteps: 300), "t", "d");
        var shorter = Experiment.Plan(new ExperimentConfig("minilm-l2", "minilm-l6"), "t", "d");
        Assert.NotEqual(longer.Student.Key, shorter.Student.Key);
        Assert.Equal(longer.Ceiling.Key, shorter.Ceiling.Key);
    }

    [Fact]
    public void EpochsGrowToReachTheStepFloor()
    {
        var config = new Training.TrainConfig(1e-3, BatchSize: 32, Epochs: 2, MinSteps: 300);
        Assert.Equal(10, config.EpochsFor(1000)); // 32 steps an epoch: 10 epochs for 320 ≥ 300
        Assert.Equal(2, config.EpochsFor(10_000)); // 313 steps an epoch: the configured 2 already exceed the floor
        Assert.Equal(2, (config with { MinSteps = 0 }).EpochsFor(100));
    }
}
