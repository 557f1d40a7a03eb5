using TorchSharp;
using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Models;
using static TorchSharp.torch;

namespace WeakToStrong.Training;

/// <summary>The finetuning loop shared by every model, loss and track.</summary>
public static class Trainer
{
    public static TrainSummary Train(
        Classifier model, IReadOnlyList<TrainingExample> data, ILoss loss, TrainConfig config,
        string stage = "train", IProgress<StageProgress>? progress = null, CheckpointSelection? selection = null)
    {
        config.Validate();
        if (data.Count == 0) throw new ArgumentException("no training examples");
        foreach (var ex in data)
            if (ex.Target.Length != model.Classes)
                throw new ArgumentException($"example {ex.Input.Id} has {ex.Target.Length} target entries, the model has {model.Classes} classes");

        if (config.LinearProbe) model.FreezeBody();
        model.Precision = config.Precision; // Predict keeps using it
        // bf16: cast each weight once per optimizer step, not in every micro-batch's forward and backward.
        var casts = model.Casts;
        using var caching = casts?.BeginCaching();
        model.eval(); // no dropout: the reference trains in eval mode for determinism
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = new Adam(parameters, config.LearningRate);
        var encoded = EncodingCache.Encode(model, data.Select(d => d.Input));
        model.Prepare(encoded);

        int stepsPerEpoch = (data.Count + config.BatchSize - 1) / config.BatchSize;
        int epochs = config.EpochsFor(data.Count);
        int totalSteps = stepsPerEpoch * epochs;
        var rng = new Random(config.Seed);
        var start = DateTime.UtcNow;
        double lastLoss = double.NaN;
        var curve = new List<double>();
        int step = 0;
        var evaluateAt = selection is null ? [] : Enumerable.Range(1, selection.Evaluations)
            .Select(k => (int)Math.Round((double)totalSteps * k / selection.Evaluations)).ToHashSet();
        double bestScore = double.NegativeInfinity;
        int bestStep = totalSteps;
        Dictionary<string, Tensor>? best = null;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var order = Enumerable.Range(0, data.Count).ToArray();
            rng.Shuffle(order);
            var batches = config.GroupByLength
                ? LengthGroupedBatches.Of(order, i => encoded[i].Ids.Length, config.BatchSize, rng)
                : order.Chunk(config.BatchSize);
            foreach (var batch in batches)
            {
                double fraction = (double)step / totalSteps;
                // Cosine annealing from the base rate to 0 over all steps, no warm-up.
                double lr = config.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));
                optimizer.LearningRate = lr;

                optimizer.ZeroGrad();
                double batchLoss = 0;
                foreach (var micro in batch.Chunk(config.MicroBatchSize))
                {
                    using var scope = NewDisposeScope();
                    var logits = model.Logits(micro.Select(i => encoded[i]).ToList());
                    var targets = tensor(micro.SelectMany(i => data[i].Target).ToArray(), [micro.Length, model.Classes]);
                    var value = loss.Compute(logits, targets, fraction);
                    // Weight micro-batches by their share of the batch so the gradient equals the full batch's mean.
                    (value * ((double)micro.Length / batch.Length)).backward();
                    batchLoss += value.item<float>() * micro.Length / batch.Length;
                }
                TrainingDivergedException.CheckLoss(stage, batchLoss, step + 1, totalSteps, config.LearningRate);
                optimizer.Step();
                casts?.Invalidate(); // the master weights moved
                step++;
                lastLoss = batchLoss;
                curve.Add(batchLoss);
                progress?.Report(new StageProgress(stage, step, totalSteps, batchLoss));
                if (selection is not null && evaluateAt.Contains(step))
                {
                    double score = selection.Score(model);
                    if (score > bestScore)
                    {
                        bestScore = score;
                        bestStep = step;
                        if (best is not null) foreach (var t in best.Values) t.Dispose();
                        best = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
                    }
                }
            }
        }
        var lossCurve = LossCurve.Of(curve);
        if (best is not null)
        {
            model.load_state_dict(best);
            foreach (var t in best.Values) t.Dispose();
        }
        return new TrainSummary(totalSteps, data.Count, lastLoss, (DateTime.UtcNow - start).TotalSeconds,
            selection is null ? null : new SelectedCheckpoint(selection.Criterion, bestStep, bestScore), epochs, lossCurve);
    }

    /// <summary>
    /// Class probabilities [n][classes] for each input, in input order, without autograd. precision: the matmul dtype for
    /// this pass only (e.g. bf16 labelling of a float32-trained model where <see cref="Bf16Support.HasFastMatmul"/>);
    /// null keeps the model's own.
    /// </summary>
    public static float[][] Predict(Classifier model, IReadOnlyList<ModelInput> inputs, int batchSize = 64,
        string stage = "predict", IProgress<StageProgress>? progress = null, ComputePrecision? precision = null)
    {
        var own = model.Precision;
        model.Precision = precision ?? own;
        try { return PredictAs(model, inputs, batchSize, stage, progress); }
        finally { model.Precision = own; }
    }

    private static float[][] PredictAs(Classifier model, IReadOnlyList<ModelInput> inputs, int batchSize, string stage,
        IProgress<StageProgress>? progress)
    {
        model.eval();
        // The weights do not change during a prediction pass: cast them to bf16 once, not once per batch.
        using var caching = model.Casts?.BeginCaching();
        var encoded = EncodingCache.Encode(model, inputs);
        model.Prepare(encoded);
        // Batch by length so padding is small; results go back to input order.
        var order = Enumerable.Range(0, inputs.Count).OrderBy(i => encoded[i].Ids.Length).ToArray();
        var result = new float[inputs.Count][];
        using var _ = no_grad();
        int done = 0;
        foreach (var chunk in order.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var probs = nn.functional.softmax(model.Logits(chunk.Select(i => encoded[i]).ToList()), -1).data<float>().ToArray();
            TrainingDivergedException.CheckProbabilities(stage, probs);
            for (int j = 0; j < chunk.Length; j++)
                result[chunk[j]] = probs.AsSpan(j * model.Classes, model.Classes).ToArray();
            done += chunk.Length;
            progress?.Report(new StageProgress(stage, done, inputs.Count));
        }
        return result;
    }
}

/// <summary>What a training run did. LossCurve: the mean training loss of each tenth of the run (or of each step, if fewer),
/// so a reader can see whether it reached its plateau.</summary>
public sealed record TrainSummary(int Steps, int Examples, double FinalLoss, double Seconds, SelectedCheckpoint? Selected = null,
    int Epochs = 0, IReadOnlyList<double>? LossCurve = null);

/// <summary>Which checkpoint a selection kept: the step and its score under the named criterion.</summary>
public sealed record SelectedCheckpoint(string Criterion, int Step, double Score);
