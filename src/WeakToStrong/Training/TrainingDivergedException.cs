using System.Globalization;
using static TorchSharp.torch;

namespace WeakToStrong.Training;

/// <summary>
/// Training blew up: a NaN or infinite loss, weights or probabilities. Almost always a learning rate too large for the
/// model. The stage stops here, so nothing of it reaches a cache or a result file.
/// </summary>
public sealed class TrainingDivergedException(string stage, string problem, double? learningRate)
    : UserInputException($"stage '{stage}'", problem + (learningRate is double lr ? $" with learning rate {Format(lr)}" : ""),
        "Training diverged; nothing of this stage was saved. Lower the learning rate (w2s run: --weak-lr or --strong-lr; " +
        "`w2s models` lists each model's default).")
{
    public string Stage { get; } = stage;
    public double? LearningRate { get; } = learningRate;

    /// <summary>Throws when a training step's loss is NaN or infinite.</summary>
    public static void CheckLoss(string stage, double loss, int step, int steps, double learningRate)
    {
        if (!double.IsFinite(loss))
            throw new TrainingDivergedException(stage, $"the loss is {Format(loss)} at step {step} of {steps}", learningRate);
    }

    /// <summary>Throws when a trained weight is NaN or infinite (the last step can break them after a finite loss).</summary>
    public static void CheckWeights(string stage, IEnumerable<Tensor> parameters, double learningRate)
    {
        using var _ = no_grad();
        foreach (var p in parameters)
        {
            using var finite = isfinite(p).all();
            if (!finite.item<bool>()) throw new TrainingDivergedException(stage, "the trained weights hold NaN or infinite values", learningRate);
        }
    }

    /// <summary>Throws when a predicted probability is NaN (weights so large that the logits overflow).</summary>
    public static void CheckProbabilities(string stage, ReadOnlySpan<float> probabilities)
    {
        foreach (var p in probabilities)
            if (float.IsNaN(p)) throw new TrainingDivergedException(stage, "the model predicts NaN probabilities (its logits overflow)", null);
    }

    private static string Format(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
