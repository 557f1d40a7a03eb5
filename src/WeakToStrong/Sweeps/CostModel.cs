using System.Runtime.CompilerServices;
using WeakToStrong.Data;
using WeakToStrong.Models;
using WeakToStrong.Protocol;
using WeakToStrong.Training;

namespace WeakToStrong.Sweeps;

/// <summary>
/// An estimate of a stage's seconds on 2 cores, for `w2s sweep --dry-run` and the sweep's time left (which rescales it by
/// what the finished stages took). A text transformer's stage costs its optimizer steps (the budget floor included) times
/// the tokens of a batch and the layers (plus a fixed part per layer), plus Adam's pass over the weights, plus its
/// prediction passes; tokens are guessed from the inputs' characters. A solved `bow` stage costs by its examples and their
/// features. The transformer constants are seconds at 1 thread, calibrated against stages measured at 2 threads on an
/// AVX-512 + AVX512-BF16 machine (docs/sweeps.md compares them); other CPUs and loaded machines differ.
/// </summary>
internal static class CostModel
{
    // Seconds per token and layer of a training step (forward and backward) at 1 thread, and per layer of a step whatever
    // its tokens (the many small kernels of a step: on short inputs they cost as much as the matmuls).
    private const double TrainFp32 = 0.98e-4, TrainBf16 = 0.45e-4, StepPerLayer = 0.0041;
    // Adam's pass over MiniLM-L6's 22.7M weights per step at 1 thread (scaled by the weights a model has).
    private const double AdamFull = 0.026, EmbeddingWeights = 11.9e6, LayerWeights = 1.77e6;
    // Prediction (forward only, no_grad) relative to a training step's cost per token.
    private const double PredictShare = 0.3;
    // Two threads are not twice as fast.
    private const double TwoThreadSpeedup = 1.7;

    public static double Seconds(StageSpec stage, PreparedData data)
    {
        if (stage.Kind == StageKind.Ensemble) return 0.1; // a mean of its members' outputs
        var model = ModelCatalog.For(stage.Model, data.Split.Inputs);
        int b = data.Report.TrainB, a = data.Report.TrainA, test = data.Report.Test;
        int train = stage.Kind switch
        {
            StageKind.Weak => a,
            StageKind.Ceiling => b,
            _ => b / stage.Slices,
        };
        int labelled = stage.Kind switch { StageKind.Weak => b, StageKind.Link => b / stage.Slices, StageKind.Student => train, _ => 0 };
        if (stage.FitsInClosedForm(model)) return BowSeconds(train, test + labelled, SampleOf(data.Split.BInputs).BowFeatures.Value);
        if (model.Layers == 0) return 0.3 + 0.0004 * (train * stage.Epochs + test + labelled);
        var config = new TrainConfig(1, stage.BatchSize, stage.MicroBatchSize, stage.Epochs, MinSteps: stage.MinSteps);
        if (Chess.ChessModels.Ladder.FirstOrDefault(m => m.Name == model.Name) is { } chess)
            return ChessSeconds(chess.Architecture, config.EpochsFor(train) * train + PredictShare * (test + labelled));
        if (model.Inputs != InputKinds.Text) return Legacy(stage, model, train, test, labelled, a + b);

        long steps = (long)config.EpochsFor(train) * ((train + stage.BatchSize - 1) / stage.BatchSize);
        // Random batches pad every input to the longest of its batch; length-grouped ones hardly pad.
        double tokens = MeanTokens(data.Split.BInputs, model.ContextLength) * (stage.GroupByLength ? 1 : 1.4);
        double perToken = (stage.Bf16 ? TrainBf16 : TrainFp32) * model.Layers * (stage.LinearProbe ? 0.35 : 1);
        double adam = stage.LinearProbe ? 0 : AdamFull * (EmbeddingWeights + LayerWeights * model.Layers) / (EmbeddingWeights + LayerWeights * 6);
        double perStep = stage.LinearProbe ? 0 : StepPerLayer * model.Layers;
        double training = steps * (stage.BatchSize * tokens * perToken + perStep + adam);
        double predicting = (test + labelled) * tokens * perToken * PredictShare;
        double generative = stage.Generative && stage.Kind == StageKind.Ceiling ? (a + b) * tokens * perToken * 1.2 : 0;
        return 2 + (training + predicting + generative) / TwoThreadSpeedup;
    }

    // The chess ladder, fitted to its sweeps' stages (wall seconds at 2 threads): per example seen, a fixed part (board
    // encoding, move scoring) and a part growing with width² × layers.
    private static double ChessSeconds(Chess.ChessModelConfig architecture, double examples) =>
        0.06 + examples * (3.4e-4 + 6.0e-8 * architecture.Width * architecture.Width * architecture.Layers);

    // `bow` under cross-entropy is solved, with cross-validation over the L2 strength, rather than trained for epochs. Fitted
    // to its stages on the built-in text tasks (1,200-6,000 examples, 1-150 features each; wall seconds at 2 threads): the
    // solver's work grows with the features per example and faster than linearly with the examples.
    private static double BowSeconds(int train, int predicted, double featuresPerExample) =>
        0.3 + 7.5e-7 * Math.Pow(train, 1.6) * Math.Pow(featuresPerExample, 0.95) + 1e-4 * predicted;

    // Image models (and chess models outside the ladder): per example and epoch, by layers.
    private static double Legacy(StageSpec stage, ModelSpec model, int train, int test, int labelled, int pool) =>
        1.5 + 0.0085 * model.Layers * (stage.LinearProbe ? 0.4 : 1) * train * stage.Epochs + 0.003 * model.Layers * (test + labelled)
        + (stage.Generative && stage.Kind == StageKind.Ceiling ? 0.012 * model.Layers * pool : 0);

    // WordPiece gives about one token per 4.5 characters of English; [CLS] and [SEP] (and a second [SEP] for pairs) on top.
    // Each input is cut at the context length before averaging: long texts (reviews) are truncated, so the mean length
    // capped afterwards would overshoot.
    private static double MeanTokens(IReadOnlyList<ModelInput> inputs, int contextLength)
    {
        var tokens = SampleOf(inputs).Tokens;
        return tokens.Length == 0 ? 8 : tokens.Average(t => Math.Min(contextLength, t));
    }

    /// <summary>Guessed lengths of up to 500 inputs, and `bow`'s mean features per input (hashed only if a `bow` stage asks).</summary>
    private sealed record Sample(double[] Tokens, Lazy<double> BowFeatures);

    // A sweep re-estimates the stages left at every progress report: measure each split once.
    private static readonly ConditionalWeakTable<IReadOnlyList<ModelInput>, Sample> Samples = new();

    private static Sample SampleOf(IReadOnlyList<ModelInput> inputs) => Samples.GetValue(inputs, Measure);

    private static Sample Measure(IReadOnlyList<ModelInput> inputs)
    {
        var sample = inputs.Take(500).ToList();
        if (sample.Count == 0) return new([], new Lazy<double>(1.0));
        double specials = sample[0].TextPair is null ? 2 : 3;
        var tokens = sample.Select(x => (x.Text.Length + (x.TextPair?.Length ?? 0)) / 4.5 + specials).ToArray();
        return new(tokens, new Lazy<double>(() => sample.Average(x => BagOfWordsClassifier.FeatureIds(x).Length)));
    }
}
