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
    /// <summary>Bumped when a change alters results for the same configuration (defaults, training), so stale results are not reused.</summary>
    public const string CodeVersion = "2";

    /// <summary>Runs the protocol. WeakLabelCorrect says, per weak label on B, whether the supervisor was right.</summary>
    public static (ExperimentResult Result, WeakLabelSet WeakLabels, bool[] WeakLabelCorrect) Run(
        ExperimentSplit split, DataReport data, ExperimentConfig config, IProgress<StageProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var weakSpec = ModelCatalog.Get(config.WeakModel);
        var strongSpec = ModelCatalog.Get(config.StrongModel);
        var studentLoss = LossRegistry.Create(config.Loss);
        var chain = config.BootstrapChain();
        foreach (var name in chain) ModelCatalog.Get(name); // fail before any training on a bad name
        var prepareStrong = GenerativeStep(config, split, progress);
        var xent = new SoftCrossEntropy();

        // 1. Weak supervisor, trained on A with ground truth; 2. its soft labels on B.
        var weak = Train(weakSpec, "weak", "A (ground truth)", OneHot(split.A, split.Classes), xent, config.WeakLearningRate, config, split, progress,
            keep: model => Trainer.Predict(model, split.BInputs, stage: "weak labels on B", progress: progress));
        var weakLabels = new WeakLabelSet(weakSpec.Name, split.BInputs.Select((x, i) => new WeakLabel(x, weak.Extra![i])).ToList());

        // 3. Bootstrapping (optional): weak → M2 → ... → strong, each link trained on the previous link's labels of its own
        //    slice of B and labelling the next slice. Without it, the student trains on all of B.
        var slices = Slices(weakLabels.Labels, chain.Count + 1);
        var labels = slices[0];
        string labeller = weakSpec.Name;
        var links = new List<ModelResult>();
        for (int i = 0; i < chain.Count; i++)
        {
            var next = slices[i + 1];
            var linkSpec = ModelCatalog.Get(chain[i]);
            var link = Train(linkSpec, $"link {i + 1}", $"B slice {i + 1} (labels of {labeller})", ToTraining(labels), studentLoss,
                null, config, split, progress, keep: model => Trainer.Predict(model, next.Select(l => l.Input).ToList(), stage: $"link {i + 1} labels", progress: progress));
            links.Add(link.Result);
            labels = next.Select((l, j) => new WeakLabel(l.Input, link.Extra![j])).ToList();
            labeller = linkSpec.Name;
        }

        // 4. Strong student on weak labels only (optionally only the confident ones).
        int dropped = 0;
        if (config.FilterConfident is { } filter)
        {
            var kept = labels.Where(l => !filter.Drops(l.Probabilities)).ToList();
            dropped = labels.Count - kept.Count;
            labels = kept;
        }
        var student = Train(strongSpec, "student", $"B{(chain.Count > 0 ? $" slice {chain.Count + 1}" : "")} (weak labels of {labeller})",
            ToTraining(labels), studentLoss, config.StrongLearningRate, config, split, progress, prepare: prepareStrong);

        // 5. Strong ceiling on B with ground truth.
        var ceiling = Train(strongSpec, "ceiling", "B (ground truth)", OneHot(split.BWithGroundTruth, split.Classes), xent,
            config.StrongLearningRate, config, split, progress, prepare: prepareStrong);

        var bTruth = split.BWithGroundTruth.Select(e => e.Label).ToList();
        var weakCorrect = weakLabels.Labels.Select((l, i) => l.HardLabel == bTruth[i]).ToArray();
        var weakOnB = Accuracy.Of(weak.Extra!, bTruth).Value;
        var agreement = Agreement(student.TestPredictions, weak.TestPredictions, split.Test.Select(e => e.Label).ToList());
        var pgr = Pgr.Of(weak.Result.TestAccuracy, student.Result.TestAccuracy, ceiling.Result.TestAccuracy, config.MinGap);
        var result = new ExperimentResult(config, data, weak.Result, student.Result, ceiling.Result, weakOnB, agreement, dropped, links,
            pgr.Gap, pgr.Value, pgr.UndefinedReason, clock.Elapsed.TotalSeconds);
        return (result, weakLabels, weakCorrect);
    }

    private sealed record Trained(ModelResult Result, float[][] TestPredictions, float[][]? Extra);

    /// <summary>Builds a fresh model (seeded), trains it, scores it on test, optionally uses it once more, and frees it.</summary>
    private static Trained Train(
        ModelSpec spec, string role, string trainedOn, IReadOnlyList<TrainingExample> data, ILoss loss, double? learningRate,
        ExperimentConfig config, ExperimentSplit split, IProgress<StageProgress>? progress, Func<Classifier, float[][]>? keep = null,
        Action<Classifier>? prepare = null)
    {
        manual_seed(config.Seed);
        using var model = spec.Create(split.Classes);
        prepare?.Invoke(model);
        // Linear probe: the frozen body's features are computed once per (weights, text) across runs.
        if (config.LinearProbe && model is PooledClassifier pooled) pooled.Features = FeatureCache.Default;
        var train = new TrainConfig(learningRate ?? spec.DefaultLearningRate, config.BatchSize, config.MicroBatchSize, config.Epochs,
            config.Seed, config.LinearProbe && spec.Layers > 0, config.Bf16 ? ComputePrecision.BFloat16 : ComputePrecision.Float32);
        var summary = Trainer.Train(model, data, loss, train, $"{role} {spec.Name}", progress);
        var test = Trainer.Predict(model, split.Test.Select(e => e.Input).ToList(), stage: $"{role} on test", progress: progress);
        var accuracy = Accuracy.Of(test, split.Test.Select(e => e.Label).ToList());
        var labels = split.Test.Select(e => e.Label).ToList();
        var auroc = split.Classes == 2 ? Auroc.Of(test.Select(p => (double)p[1]).ToList(), labels) : null;
        var result = new ModelResult(role, spec.Name, trainedOn, loss.Name, train.LearningRate, accuracy.Value, accuracy.StandardError,
            auroc, CalibrationError.Expected(test, labels), data.Count, summary.Steps, summary.Seconds);
        return new Trained(result, test, keep?.Invoke(model));
    }

    /// <summary>
    /// Generative finetuning of the strong model (masked LM on the training pool's texts, never the test inputs unless
    /// asked), run once and applied to both the student and the ceiling, as in the paper. Null when not asked for.
    /// </summary>
    private static Action<Classifier>? GenerativeStep(ExperimentConfig config, ExperimentSplit split, IProgress<StageProgress>? progress)
    {
        if (!config.GenerativeFinetuning) return null;
        var texts = split.A.Select(e => e.Input).Concat(split.BInputs)
            .Concat(config.GenerativeIncludesTestInputs ? split.Test.Select(e => e.Input) : []).ToList();
        Dictionary<string, Tensor>? tuned = null;
        return model =>
        {
            if (model is not BertClassifier bert)
                throw new ArgumentException($"generative finetuning needs a transformer strong model, not {config.StrongModel}");
            if (tuned is null)
            {
                GenerativeFinetuning.Run(bert, texts, new GenerativeConfig(Seed: config.Seed), progress);
                tuned = bert.Encoder.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
            }
            else bert.Encoder.load_state_dict(tuned);
        };
    }

    private static IReadOnlyList<TrainingExample> ToTraining(IReadOnlyList<WeakLabel> labels) =>
        labels.Select(l => new TrainingExample(l.Input, l.Probabilities)).ToList();

    /// <summary>n contiguous, near-equal slices (B is already shuffled by the split).</summary>
    private static List<IReadOnlyList<WeakLabel>> Slices(IReadOnlyList<WeakLabel> all, int n) =>
        Enumerable.Range(0, n).Select(k => (IReadOnlyList<WeakLabel>)all.Skip(all.Count * k / n).Take(all.Count * (k + 1) / n - all.Count * k / n).ToList()).ToList();

    private static AgreementAnalysis Agreement(float[][] student, float[][] weak, IReadOnlyList<int> truth)
    {
        var agree = student.Zip(weak, (s, w) => Accuracy.ArgMax(s) == Accuracy.ArgMax(w)).ToArray();
        var weakRight = weak.Select((w, i) => Accuracy.ArgMax(w) == truth[i]).ToArray();
        double? Share(bool right) =>
            weakRight.Any(r => r == right) ? agree.Where((_, i) => weakRight[i] == right).Average(a => a ? 1.0 : 0.0) : null;
        return new AgreementAnalysis(agree.Average(a => a ? 1.0 : 0.0), Share(true) ?? 0, Share(false), weakRight.Count(r => !r));
    }

    private static IReadOnlyList<TrainingExample> OneHot(IReadOnlyList<Example> examples, int classes) =>
        examples.Select(e =>
        {
            var target = new float[classes];
            target[e.Label] = 1;
            return new TrainingExample(e.Input, target);
        }).ToList();
}
