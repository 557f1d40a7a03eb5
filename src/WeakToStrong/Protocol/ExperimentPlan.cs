using WeakToStrong.Metrics;
using WeakToStrong.Models;

namespace WeakToStrong.Protocol;

/// <summary>
/// One experiment as stages: weak supervisor (A, ground truth) → optional bootstrapping links → student (weak labels);
/// ceiling (B, ground truth). Stages of different experiments with equal specs are the same stage.
/// </summary>
public sealed record ExperimentPlan(ExperimentConfig Config, StageSpec Weak, IReadOnlyList<StageSpec> Links, StageSpec Student, StageSpec Ceiling)
{
    /// <summary>In the order they can run (every stage after its labeller).</summary>
    public IReadOnlyList<StageSpec> Stages => [Weak, .. Links, Student, Ceiling];

    /// <param name="task">Task name.</param>
    /// <param name="data">Fingerprint of the split's content (<see cref="ExperimentSplit.Fingerprint"/>).</param>
    public static ExperimentPlan Of(ExperimentConfig config, string task, string data)
    {
        var weakSpec = ModelCatalog.Get(config.WeakModel);
        var strongSpec = ModelCatalog.Get(config.StrongModel);
        Losses.LossRegistry.Create(config.Loss); // fail before any training on a bad name
        var chain = config.BootstrapChain().Select(ModelCatalog.Get).ToList();
        int slices = chain.Count + 1;

        StageSpec Stage(StageKind kind, ModelSpec model, string loss, double? lr, bool generative = false, StageSpec? labeller = null,
            int slice = 0, int sliceCount = 1, ConfidenceFilter? filter = null, CheckpointCriterion selection = CheckpointCriterion.Final) =>
            new(kind, task, data, config.Seed, model.Name, loss, lr ?? model.DefaultLearningRate, config.Epochs, config.BatchSize,
                config.MicroBatchSize, model.LinearProbe(config.LinearProbe), generative, generative && config.GenerativeIncludesTestInputs,
                filter, labeller, slice, sliceCount, selection, config.Bf16, config.GroupByLength, config.MinSteps ?? model.MinSteps);

        var weak = Stage(StageKind.Weak, weakSpec, "xent", config.WeakLearningRate);
        var links = new List<StageSpec>();
        var labeller = weak;
        for (int i = 0; i < chain.Count; i++)
        {
            labeller = Stage(StageKind.Link, chain[i], config.Loss, null, labeller: labeller, slice: i, sliceCount: slices);
            links.Add(labeller);
        }
        var student = Stage(StageKind.Student, strongSpec, config.Loss, config.StrongLearningRate, config.GenerativeFinetuning, labeller,
            chain.Count, slices, config.FilterConfident, config.Selection);
        var ceiling = Stage(StageKind.Ceiling, strongSpec, "xent", config.StrongLearningRate, config.GenerativeFinetuning);
        return new ExperimentPlan(config, weak, links, student, ceiling);
    }

    /// <summary>
    /// The experiment's result from its finished stages. The evaluator (not the student) reads B's ground truth here to
    /// score the weak labels.
    /// </summary>
    public ExperimentResult Assemble(ExperimentSplit split, DataReport data, Func<StageSpec, StageOutput> outputs)
    {
        var weak = outputs(Weak);
        var student = outputs(Student);
        var ceiling = outputs(Ceiling);
        var links = Links.Select(l => outputs(l).Result).ToList();
        var bTruth = split.BWithGroundTruth.Select(e => e.Label).ToList();
        var weakOnB = Accuracy.Of(weak.Labels!, bTruth).Value;
        var agreement = Agreement(student.TestProbabilities, weak.TestProbabilities, split.Test.Select(e => e.Label).ToList());
        var pgr = Pgr.Of(weak.Result.TestAccuracy, student.Result.TestAccuracy, ceiling.Result.TestAccuracy, Config.MinGap);
        double seconds = Stages.Sum(s => outputs(s).Seconds);
        return new ExperimentResult(Config, data, weak.Result, student.Result, ceiling.Result, weakOnB, agreement, student.DroppedByFilter,
            links, pgr.Gap, pgr.Value, pgr.UndefinedReason, seconds)
        {
            WeakLabels = ProbabilitySpread.Of(weak.Labels!.Select(p => (double)p[^1])),
            Diagnostics = GainDiagnostics.Of(split, weak, student, Protocol.Stages.LabelsFor(Student, split, outputs).Labels.Select(l => l.Probabilities).ToList()),
        };
    }

    /// <summary>The paper's imitation analysis: student-supervisor agreement on test, split by whether the supervisor was right.</summary>
    private static AgreementAnalysis Agreement(float[][] student, float[][] weak, IReadOnlyList<int> truth)
    {
        var agree = student.Zip(weak, (s, w) => Accuracy.ArgMax(s) == Accuracy.ArgMax(w)).ToArray();
        var weakRight = weak.Select((w, i) => Accuracy.ArgMax(w) == truth[i]).ToArray();
        double? Share(bool right) =>
            weakRight.Any(r => r == right) ? agree.Where((_, i) => weakRight[i] == right).Average(a => a ? 1.0 : 0.0) : null;
        return new AgreementAnalysis(agree.Average(a => a ? 1.0 : 0.0), Share(true) ?? 0, Share(false), weakRight.Count(r => !r));
    }
}
