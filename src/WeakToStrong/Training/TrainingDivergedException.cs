using System.Globalization;
namespace WeakToStrong.Training;

/// <summary>
/// Training blew up: a NaN or infinite loss, or NaN probabilities (weights so large that the logits overflow). Almost always a learning rate too large for the
/// model. The stage stops here, so nothing of it reaches a cache or a result file.
/// </summary>
internal sealed class TrainingDivergedException(string stage, string problem, double? learningRate)
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

    /// <summary>Throws when a predicted probability is NaN (weights so large that the logits overflow).</summary>
    public static void CheckProbabilities(string stage, ReadOnlySpan<float> probabilities)
    {
        foreach (var p in probabilities)
            if (float.IsNaN(p)) throw new TrainingDivergedException(stage, "the model predicts NaN probabilities (its logits overflow)", null);
    }

    private static string Format(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
