using WeakToStrong.Training;

namespace WeakToStrong.Protocol;

/// <summary>
/// The weak-to-strong protocol, top to bottom: weak supervisor on A (ground truth) → soft labels on B → strong student on
/// B's weak labels; strong ceiling on B (ground truth); all three scored on the test set; PGR. The same stage functions
/// (<see cref="Stages"/>) run sweeps, where stages are cached and shared between experiments.
/// </summary>
public static class Experiment
{
    /// <summary>
    /// Runs the protocol. WeakLabelCorrect says, per weak label on B, whether the supervisor was right. With a cache,
    /// finished stages are loaded instead of run (runs of different methods share their weak and ceiling stages).
    /// </summary>
    public static (ExperimentResult Result, WeakLabelSet WeakLabels, bool[] WeakLabelCorrect) Run(
        ExperimentSplit split, DataReport data, ExperimentConfig config, IProgress<StageProgress>? progress = null,
        Sweeps.StageCache? cache = null)
    {
        var plan = ExperimentPlan.Of(config, data.Task, split.Fingerprint);
        foreach (var stage in plan.Stages)
            Data.InputKinds.Require(stage.Model, Models.ModelCatalog.Get(stage.Model).Inputs, data.Task, split.Inputs);
        var outputs = new Dictionary<StageSpec, StageOutput>();
        using var generative = new GenerativeMemo(split);
        foreach (var stage in plan.Stages)
        {
            if (cache?.TryLoad(stage) is { } done) { outputs[stage] = done; continue; }
            outputs[stage] = Stages.Execute(stage, split, s => outputs[s], generative, progress);
            cache?.Save(stage, outputs[stage]);
        }

        var result = plan.Assemble(split, data, s => outputs[s]);
        var weakLabels = new WeakLabelSet(plan.Weak.Model, split.BInputs.Zip(outputs[plan.Weak].Labels!, (x, p) => new WeakLabel(x, p)).ToList());
        var bTruth = split.BWithGroundTruth.Select(e => e.Label).ToList();
        var weakCorrect = weakLabels.Labels.Select((l, i) => l.HardLabel == bTruth[i]).ToArray();
        return (result, weakLabels, weakCorrect);
    }
}
