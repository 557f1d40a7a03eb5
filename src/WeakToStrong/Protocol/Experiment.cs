using System.Diagnostics;
using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Metrics;
using WeakToStrong.Models;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Protocol;

/// <summary>
/// The weak-to-strong protocol, top to bottom: weak supervisor on A (ground truth) → soft labels on B → strong student on
/// B's weak labels; strong ceiling on B (ground truth); all three scored on the test set; PGR.
/// </summary>
public static class Experiment
{
    /// <summary>Runs the protocol. WeakLabelCorrect says, per weak label on B, whether the supervisor was right.</summary>
    public static (ExperimentResult Result, WeakLabelSet WeakLabels, bool[] WeakLabelCorrect) Run(
        ExperimentSplit split, DataReport data, ExperimentConfig config, IProgress<StageProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var weakSpec = ModelCatalog.Get(config.WeakModel);
        var strongSpec = ModelCatalog.Get(config.StrongModel);
        var studentLoss = LossRegistry.Create(config.Loss);
        var xent = new SoftCrossEntropy();

        // 1. Weak supervisor, trained on A with ground truth; 2. its soft labels on B.
        var weak = Train(weakSpec, "weak", "A (ground truth)", OneHot(split.A, split.Classes), xent, config.WeakLearningRate, config, split, progress,
            keep: model => Trainer.Predict(model, split.BInputs, stage: "weak labels on B", progress: progress));
        var weakLabels = new WeakLabelSet(weakSpec.Name, split.BInputs.Select((x, i) => new WeakLabel(x, weak.Extra![i])).ToList());

        // 3. Strong student on the weak labels only.
        var student = Train(strongSpec, "student", $"B (weak labels of {weakSpec.Name})", weakLabels.AsTrainingData(), studentLoss,
            config.StrongLearningRate, config, split, progress);

        // 4. Strong ceiling on B with ground truth.
        var ceiling = Train(strongSpec, "ceiling", "B (ground truth)", OneHot(split.BWithGroundTruth, split.Classes), xent,
            config.StrongLearningRate, config, split, progress);

        var bTruth = split.BWithGroundTruth.Select(e => e.Label).ToList();
        var weakCorrect = weakLabels.Labels.Select((l, i) => l.HardLabel == bTruth[i]).ToArray();
        var weakOnB = Accuracy.Of(weak.Extra!, bTruth).Value;
        double agreement = student.TestPredictions.Zip(weak.TestPredictions)
            .Average(p => Accuracy.ArgMax(p.First) == Accuracy.ArgMax(p.Second) ? 1.0 : 0.0);
        var pgr = Pgr.Of(weak.Result.TestAccuracy, student.Result.TestAccuracy, ceiling.Result.TestAccuracy, config.MinGap);
        var result = new ExperimentResult(config, data, weak.Result, student.Result, ceiling.Result, weakOnB, agreement,
            pgr.Gap, pgr.Value, pgr.UndefinedReason, clock.Elapsed.TotalSeconds);
        return (result, weakLabels, weakCorrect);
    }

    private sealed record Trained(ModelResult Result, float[][] TestPredictions, float[][]? Extra);

    /// <summary>Builds a fresh model (seeded), trains it, scores it on test, optionally uses it once more, and frees it.</summary>
    private static Trained Train(
        ModelSpec spec, string role, string trainedOn, IReadOnlyList<TrainingExample> data, ILoss loss, double? learningRate,
        ExperimentConfig config, ExperimentSplit split, IProgress<StageProgress>? progress, Func<Classifier, float[][]>? keep = null)
    {
        manual_seed(config.Seed);
        using var model = spec.Create(split.Classes);
        var train = new TrainConfig(learningRate ?? spec.DefaultLearningRate, config.BatchSize, config.MicroBatchSize, config.Epochs,
            config.Seed, config.LinearProbe && spec.Layers > 0);
        var summary = Trainer.Train(model, data, loss, train, $"{role} {spec.Name}", progress);
        var test = Trainer.Predict(model, split.Test.Select(e => e.Input).ToList(), stage: $"{role} on test", progress: progress);
        var accuracy = Accuracy.Of(test, split.Test.Select(e => e.Label).ToList());
        var result = new ModelResult(role, spec.Name, trainedOn, loss.Name, train.LearningRate, accuracy.Value, accuracy.StandardError,
            data.Count, summary.Steps, summary.Seconds);
        return new Trained(result, test, keep?.Invoke(model));
    }

    private static IReadOnlyList<TrainingExample> OneHot(IReadOnlyList<Example> examples, int classes) =>
        examples.Select(e =>
        {
            var target = new float[classes];
            target[e.Label] = 1;
            return new TrainingExample(e.Input, target);
        }).ToList();
}
