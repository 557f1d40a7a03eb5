using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Models;
using WeakToStrong.Sweeps;
using WeakToStrong.Training;

namespace WeakToStrong.Protocol;

/// <summary>
/// The weak-to-strong protocol, top to bottom:
/// weak = train(A, ground truth); labels = predict(weak, B); student = train(B, labels); ceiling = train(B, ground truth);
/// score all three on test; PGR = (student − weak) / (ceiling − weak).
/// Each step is a stage (<see cref="StageSpec"/>): the unit that is cached, shared between experiments and scheduled by
/// sweeps. <see cref="Plan"/> says which stages an experiment has, <see cref="Execute"/> what each one trains on, and
/// <see cref="Run"/> runs them in order. The training itself is <see cref="StageTraining"/>.
/// </summary>
public static class Experiment
{
    /// <summary>
    /// Runs the protocol. WeakLabelCorrect says, per weak label on B, whether the supervisor was right. With a cache,
    /// finished stages are loaded instead of run (runs of different methods share their weak and ceiling stages).
    /// </summary>
    public static (ExperimentResult Result, WeakLabelSet WeakLabels, bool[] WeakLabelCorrect) Run(
        ExperimentSplit split, DataReport data, ExperimentConfig config, IProgress<StageProgress>? progress = null, StageCache? cache = null)
    {
        var plan = Plan(config, data.Task, split.Fingerprint);
        foreach (var stage in plan.Stages.Where(s => s.Kind != StageKind.Ensemble))
            InputKinds.Require(stage.Model, ModelCatalog.Get(stage.Model).Inputs, data.Task, split.Inputs);
        var outputs = new Dictionary<StageSpec, StageOutput>();
        using var generative = new GenerativeMemo(split);
        foreach (var stage in plan.Stages) // weak, links, student, ceiling: each after its labeller
        {
            StageOutput Compute() => Execute(stage, split, s => outputs[s], generative, progress);
            outputs[stage] = cache is null ? Compute() : cache.Cached(stage, Compute);
        }

        var result = plan.Assemble(split, data, s => outputs[s]); // score; PGR
        var weakLabels = new WeakLabelSet(plan.Weak.Model, split.BInputs.Zip(outputs[plan.Weak].Labels!, (x, p) => new WeakLabel(x, p)).ToList());
        var bTruth = split.BWithGroundTruth.Select(e => e.Label).ToList();
        var weakCorrect = weakLabels.Labels.Select((l, i) => l.HardLabel == bTruth[i]).ToArray();
        return (result, weakLabels, weakCorrect);
    }

    /// <summary>
    /// The stages of one experiment, in the order they run. Stages of different experiments with equal specs are the same
    /// stage. <paramref name="data"/> is the fingerprint of the split's content (<see cref="ExperimentSplit.Fingerprint"/>).
    /// </summary>
    public static ExperimentPlan Plan(ExperimentConfig config, string task, string data)
    {
        var ensemble = config.Ensemble;
        foreach (var member in ensemble?.Members.Select(m => m.Model) ?? [config.WeakModel]) ModelCatalog.Get(member); // fail before any training on a bad name
        ModelCatalog.Get(config.StrongModel);
        LossRegistry.Create(config.Loss);
        var chain = config.BootstrapChain();
        int slices = chain.Count + 1;
        StageSpec Stage(StageKind kind, string model, string loss, double? learningRate) =>
            StageSpec.Of(kind, task, data, config, ModelCatalog.Get(model), loss, learningRate);
        StageSpec LabelFed(StageKind kind, string model, string loss, double? learningRate) =>
            Stage(kind, model, loss, learningRate) with { MinSteps = config.StudentMinSteps };
        bool genft = config.GenerativeFinetuning;

        // An ensemble: each member its own weak stage (shared with single-weak experiments), the ensemble their mean.
        var members = ensemble?.Members.Select(m => Stage(StageKind.Weak, m.Model, "xent", config.WeakLearningRate) with { Resample = m.Resample }).ToList() ?? [];
        var weak = ensemble is null ? Stage(StageKind.Weak, config.WeakModel, "xent", config.WeakLearningRate)
            : members[0] with { Kind = StageKind.Ensemble, Model = WeakEnsemble.Canonical(config.WeakModel), LearningRate = 0, Resample = 0, Members = members };
        // Bootstrapping: each link learns its labeller's labels of one slice of B, and labels the next slice.
        var links = new List<StageSpec>();
        var labeller = weak;
        for (int i = 0; i < chain.Count; i++)
            links.Add(labeller = LabelFed(StageKind.Link, chain[i], config.Loss, null) with { Labeller = labeller, Slice = i, Slices = slices });
        var student = LabelFed(StageKind.Student, config.StrongModel, config.Loss, config.StrongLearningRate) with
        {
            Labeller = labeller, Slice = chain.Count, Slices = slices, Filter = config.FilterConfident, Selection = config.Selection,
            Generative = genft, GenerativeIncludesTestInputs = genft && config.GenerativeIncludesTestInputs, Gold = config.Gold,
            Probe = config.Probe,
        };
        // Strong-to-strong: each round a fresh student, the same in all but its labeller, learns the previous student's labels.
        var rounds = new List<StageSpec>();
        for (int r = 0; r < config.StrongToStrong; r++)
        {
            rounds.Add(student);
            student = student with { Labeller = student };
        }
        var ceiling = Stage(StageKind.Ceiling, config.StrongModel, "xent", config.StrongLearningRate) with
        {
            Generative = genft, GenerativeIncludesTestInputs = genft && config.GenerativeIncludesTestInputs,
        };
        return new ExperimentPlan(config, weak, links, student, ceiling) { Members = members, Rounds = rounds };
    }

    /// <summary>
    /// Runs one stage: what it trains on, and what it labels. <paramref name="upstream"/> gives the output of the stage's
    /// labeller (already run). Only the weak and ceiling stages read ground truth; label-fed stages get a
    /// <see cref="WeakLabelSet"/> and the test set.
    /// </summary>
    internal static StageOutput Execute(StageSpec spec, ExperimentSplit split, Func<StageSpec, StageOutput> upstream,
        GenerativeMemo? generative = null, IProgress<StageProgress>? progress = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (spec.Kind == StageKind.Ensemble) // trains nothing: the mean of its members
            return WeakEnsemble.Combine(spec, spec.Members!.Select(upstream).ToList(), split.Test) with { Seconds = clock.Elapsed.TotalSeconds };
        // Preference pairs: the same text model, scoring each transcript as a reward model.
        var model = ModelCatalog.For(spec.Model, split.Inputs);
        // Generative finetuning: masked LM on the pool's texts before supervised training (student and ceiling).
        Action<Classifier>? finetune = spec.Generative
            ? (generative ?? throw new ArgumentException("generative finetuning needs a GenerativeMemo")).Prepare(spec, progress)
            : null;
        var xent = new SoftCrossEntropy();
        var output = spec.Kind switch
        {
            StageKind.Weak when spec.Resample > 0 => StageTraining.Train(spec, model, $"A bootstrap resample {spec.Resample} (ground truth)",
                StageTraining.OneHot(WeakEnsemble.Resample(split.A, spec.Seed, spec.Resample), split.Classes), xent, split.Test, progress,
                keep: m => Trainer.Predict(m, split.BInputs, stage: "weak labels on B", progress: progress)),
            StageKind.Weak => StageTraining.Train(spec, model, "A (ground truth)", StageTraining.OneHot(split.A, split.Classes), xent, split.Test, progress,
                keep: m => Trainer.Predict(m, split.BInputs, stage: "weak labels on B", progress: progress)),
            StageKind.Link => StageTraining.Link(spec, model, StageTraining.LabelsFor(spec, split, upstream),
                StageTraining.Slice(split.BInputs, spec.Slice + 1, spec.Slices), split.Test, progress),
            StageKind.Student => StageTraining.Student(spec, model, StageTraining.LabelsFor(spec, split, upstream), split.Test, progress, finetune,
                spec.Gold is { } gold ? split.Gold(gold.Count, spec.Seed) : null),
            StageKind.Ceiling => StageTraining.Train(spec, model, "B (ground truth)", StageTraining.OneHot(split.BWithGroundTruth, split.Classes),
                xent, split.Test, progress, prepare: finetune),
            _ => throw new ArgumentOutOfRangeException(nameof(spec)),
        };
        return output with { Seconds = clock.Elapsed.TotalSeconds };
    }
}
