using System.Diagnostics;
using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Metrics;
using WeakToStrong.Models;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Protocol;

/// <summary>
/// How a stage trains (<see cref="Experiment.Execute"/> says on what): each stage builds a fresh seeded model, trains it,
/// scores it on test and frees it, so its result depends on its <see cref="StageSpec"/> alone.
/// </summary>
internal static class StageTraining
{
    /// <summary>The labels a label-fed stage trains on: its labeller's probabilities on the stage's slice of B (inputs only).</summary>
    public static WeakLabelSet LabelsFor(StageSpec spec, ExperimentSplit split, Func<StageSpec, StageOutput> upstream)
    {
        var labeller = spec.Labeller ?? throw new ArgumentException($"{spec.Kind} stage without a labeller");
        // A student labels with its predictions on the inputs it was given (strong-to-strong rounds).
        var probabilities = (labeller.Kind == StageKind.Student ? upstream(labeller).TrainProbabilities : upstream(labeller).Labels)
            ?? throw new ArgumentException($"{labeller.Describe()} gives no labels (a student cached before it kept its predictions on B: rerun with --force)");
        var inputs = Slice(split.BInputs, spec.Slice, spec.Slices);
        // A weak supervisor labelled all of B; a link labelled exactly the slice after its own.
        var own = labeller.Kind is StageKind.Weak or StageKind.Ensemble ? Slice(probabilities, spec.Slice, spec.Slices) : probabilities;
        if (own.Count != inputs.Count) throw new InvalidOperationException($"{labeller.Describe()} labelled {own.Count} inputs, expected {inputs.Count}");
        return new WeakLabelSet(labeller.Model, inputs.Zip(own, (x, p) => new WeakLabel(x, p)).ToList());
    }

    /// <summary>
    /// The student: trained on weak labels only (optionally only the confident ones). No split, so no ground truth of B
    /// beyond the gold labels of its budget, if it has one (<see cref="GoldBudget"/>).
    /// </summary>
    internal static StageOutput Student(StageSpec spec, ModelSpec model, WeakLabelSet labels, IReadOnlyList<Example> test,
        IProgress<StageProgress>? progress, Action<Classifier>? prepare, GoldLabels? gold = null)
    {
        PlattMap? platt = null;
        var given = spec.Gold?.Use switch
        {
            GoldUse.Mix => GoldBudget.Mix(labels.Labels, gold!, labels.Labels[0].Probabilities.Length),
            GoldUse.Platt => GoldBudget.Calibrate(labels.Labels, gold!, out platt),
            _ => labels.Labels,
        };
        int beforeProbe = given.Count;
        if (spec.Probe is { } probe)
            given = EmbeddingProbe.Apply(probe, given, EmbeddingProbe.Embeddings(model, given.Select(l => l.Input).ToList(), given[0].Probabilities.Length, spec.Seed));
        var kept = given;
        if (spec.Filter is { } filter) kept = kept.Where(l => !filter.Drops(l.Probabilities)).ToList();
        string slice = spec.Slices > 1 ? $" slice {spec.Slice + 1}" : "";
        var (train, selection) = Selection(spec.Selection, kept, test);
        if (spec.Gold?.Use == GoldUse.Select) selection = GoldBudget.Selection(gold!);
        var output = Train(spec, model, $"B{slice} ({(spec.StudentRound() > 0 ? $"s2s round {spec.StudentRound()}: labels of the previous student" : "weak labels of")} {labels.Supervisor}{(spec.Gold is { } g ? $", {g.Count} gold labels: {g.Use.ToString().ToLowerInvariant()}{(platt is null ? "" : $" {platt}")}" : "")}{ProbeNote(spec.Probe, beforeProbe - given.Count)})", ToTraining(train), LossRegistry.Create(spec.Loss), test,
            progress, keep: m => Trainer.Predict(m, labels.Labels.Select(l => l.Input).ToList(), stage: "student on B", progress: progress),
            prepare: prepare, selection: selection);
        return output with { DroppedByFilter = given.Count - kept.Count, TrainProbabilities = output.Labels, Labels = null };
    }

    private static string ProbeNote(ProbeUse? probe, int dropped) => probe switch
    {
        ProbeUse.Relabel => $", relabelled by a {EmbeddingProbe.Neighbours}-NN probe",
        ProbeUse.Filter => $", {dropped} dropped by a {EmbeddingProbe.Neighbours}-NN probe",
        _ => "",
    };

    /// <summary>The student's training labels and checkpoint selection: weak agreement holds out every tenth label as validation.</summary>
    private static (IReadOnlyList<WeakLabel> Train, CheckpointSelection? Selection) Selection(
        CheckpointCriterion criterion, IReadOnlyList<WeakLabel> labels, IReadOnlyList<Example> test)
    {
        switch (criterion)
        {
            case CheckpointCriterion.WeakAgreement:
                var validation = labels.Where((_, i) => i % 10 == 9).ToList();
                if (validation.Count == 0)
                    throw new UserInputException("--select", $"weak holds out every tenth weak label, but only {labels.Count} are left to train on", "Use more data or a narrower --filter-confident.");
                var inputs = validation.Select(l => l.Input).ToList();
                var weak = validation.Select(l => l.HardLabel).ToList();
                return (labels.Where((_, i) => i % 10 != 9).ToList(), new CheckpointSelection("agreement with held-out weak labels",
                    m => Accuracy.Of(Trainer.Predict(m, inputs), weak).Value));
            case CheckpointCriterion.OracleTestAccuracy:
                var testInputs = test.Select(e => e.Input).ToList();
                var truth = test.Select(e => e.Label).ToList();
                return (labels, new CheckpointSelection("ORACLE test accuracy (upper bound, reads test ground truth)",
                    m => Accuracy.Of(Trainer.Predict(m, testInputs), truth).Value));
            default:
                return (labels, null);
        }
    }

    /// <summary>A bootstrapping link: trained on its labeller's labels of its slice, then labels the next slice.</summary>
    internal static StageOutput Link(StageSpec spec, ModelSpec model, WeakLabelSet labels, IReadOnlyList<ModelInput> next,
        IReadOnlyList<Example> test, IProgress<StageProgress>? progress) =>
        Train(spec, model, $"B slice {spec.Slice + 1} (labels of {labels.Supervisor})", ToTraining(labels.Labels), LossRegistry.Create(spec.Loss),
            test, progress, keep: m => Trainer.Predict(m, next, stage: $"link {spec.Slice + 1} labels", progress: progress));

    /// <summary>Builds a fresh model (seeded), trains it, scores it on test, optionally uses it once more, and frees it.</summary>
    internal static StageOutput Train(StageSpec spec, ModelSpec modelSpec, string trainedOn, IReadOnlyList<TrainingExample> data, ILoss loss,
        IReadOnlyList<Example> test, IProgress<StageProgress>? progress, Func<Classifier, float[][]>? keep = null, Action<Classifier>? prepare = null,
        CheckpointSelection? selection = null)
    {
        manual_seed(spec.Seed);
        using var model = modelSpec.Create(ClassesOf(data));
        prepare?.Invoke(model);
        // Linear probe: the frozen body's features are computed once per (weights, text) across runs.
        if (spec.LinearProbe && Body(model) is PooledClassifier pooled) pooled.Features = FeatureCache.Default;
        var train = new TrainConfig(spec.LearningRate, spec.BatchSize, spec.MicroBatchSize, spec.Epochs, spec.Seed, modelSpec.LinearProbe(spec.LinearProbe),
            spec.Bf16 ? ComputePrecision.BFloat16 : ComputePrecision.Float32, spec.GroupByLength, spec.MinSteps);
        string role = spec.Kind.ToString().ToLowerInvariant();
        SolverReport? solver = null;
        TrainSummary summary;
        if (spec.FitsInClosedForm(modelSpec) && model is BagOfWordsClassifier bow)
        {
            // A convex model with the convex loss: solved to its optimum, its L2 strength cross-validated on its own training set.
            var clock = Stopwatch.StartNew();
            solver = bow.Fit(EncodingCache.Encode(bow, data.Select(d => d.Input)), data.Select(d => d.Target).ToList(), spec.Seed);
            summary = new TrainSummary(solver.Iterations, data.Count, solver.TrainingLoss, clock.Elapsed.TotalSeconds);
        }
        else summary = Trainer.Train(model, data, loss, train, $"{role} {modelSpec.Name}", progress, selection);
        var probabilities = Trainer.Predict(model, test.Select(e => e.Input).ToList(), stage: $"{role} on test", progress: progress);
        var labels = test.Select(e => e.Label).ToList();
        var accuracy = Accuracy.Of(probabilities, labels);
        var auroc = Auroc.OfProbabilities(probabilities, labels);
        var result = new ModelResult(role, modelSpec.Name, trainedOn, loss.Name, train.LearningRate, accuracy.Value, accuracy.StandardError,
            auroc, CalibrationError.Expected(probabilities, labels), data.Count, summary.Steps, summary.Seconds, summary.Selected)
        {
            Epochs = solver is null ? summary.Epochs : 0,
            FinalTrainLoss = summary.FinalLoss,
            LossCurve = summary.LossCurve,
            Solver = solver,
            TopClassShare = Accuracy.TopClassShare(probabilities),
        };
        return new StageOutput(result, probabilities, keep?.Invoke(model), 0, 0);
    }

    /// <summary>The model that holds the pretrained body (a reward model's inner text model).</summary>
    internal static Classifier Body(Classifier model) => model is RewardModel reward ? reward.Inner : model;

    /// <summary>Targets are distributions over all classes, so their length is the class count.</summary>
    private static int ClassesOf(IReadOnlyList<TrainingExample> data) =>
        data.Count > 0 ? data[0].Target.Length
            : throw new UserInputException("--filter-confident", "dropped every weak label, so the student has nothing to train on", "Narrow the range.");

    private static IReadOnlyList<TrainingExample> ToTraining(IReadOnlyList<WeakLabel> labels) =>
        labels.Select(l => new TrainingExample(l.Input, l.Probabilities)).ToList();

    /// <summary>Slice k of n contiguous, near-equal slices (B is already shuffled by the split).</summary>
    internal static IReadOnlyList<T> Slice<T>(IReadOnlyList<T> all, int k, int n) =>
        all.Skip(all.Count * k / n).Take(all.Count * (k + 1) / n - all.Count * k / n).ToList();

    internal static IReadOnlyList<TrainingExample> OneHot(IReadOnlyList<Example> examples, int classes) =>
        examples.Select(e =>
        {
            var target = new float[classes];
            target[e.Label] = 1;
            return new TrainingExample(e.Input, target);
        }).ToList();
}
