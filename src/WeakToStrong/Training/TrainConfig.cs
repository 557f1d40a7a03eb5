using WeakToStrong.Models;

namespace WeakToStrong.Training;

/// <summary>
/// Finetuning settings. Defaults follow the paper's public code: batch 32, 2 epochs, Adam without weight decay, cosine-annealed
/// learning rate over all steps, no warm-up, final checkpoint. GroupByLength: batches of similar length (less padding, faster).
/// MinSteps: the budget floor; small training sets get as many whole epochs as it takes to reach it (see <see cref="EpochsFor"/>).
/// </summary>
public sealed record TrainConfig(
    double LearningRate,
    int BatchSize = 32,
    int MicroBatchSize = 32,
    int Epochs = 2,
    int Seed = 0,
    bool LinearProbe = false,
    ComputePrecision Precision = ComputePrecision.Float32,
    bool GroupByLength = false,
    int MinSteps = 0)
{
    /// <summary>Epochs for a training set of n examples: at least Epochs, and enough whole epochs for MinSteps optimizer steps.</summary>
    public int EpochsFor(int n)
    {
        int stepsPerEpoch = (n + BatchSize - 1) / BatchSize;
        return Math.Max(Epochs, (MinSteps + stepsPerEpoch - 1) / stepsPerEpoch);
    }

    public void Validate()
    {
        if (!double.IsFinite(LearningRate) || LearningRate <= 0) throw new ArgumentException($"learning rate must be positive and finite, got {LearningRate}");
        if (BatchSize <= 0 || MicroBatchSize <= 0 || BatchSize % MicroBatchSize != 0)
            throw new ArgumentException($"batch size ({BatchSize}) must be a positive multiple of the micro-batch size ({MicroBatchSize})");
        if (Epochs <= 0) throw new ArgumentException($"epochs must be positive, got {Epochs}");
        if (MinSteps < 0) throw new ArgumentException($"the minimum number of steps must not be negative, got {MinSteps}");
    }
}
