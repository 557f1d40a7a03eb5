using WeakToStrong.Models;

namespace WeakToStrong.Training;

/// <summary>
/// Finetuning settings. Defaults follow the reference: batch 32, 2 epochs, Adam without weight decay, cosine-annealed
/// learning rate over all steps, no warm-up, final checkpoint. GroupByLength: batches of similar length (less padding, faster).
/// </summary>
public sealed record TrainConfig(
    double LearningRate,
    int BatchSize = 32,
    int MicroBatchSize = 32,
    int Epochs = 2,
    int Seed = 0,
    bool LinearProbe = false,
    ComputePrecision Precision = ComputePrecision.Float32,
    bool GroupByLength = false)
{
    public void Validate()
    {
        if (!double.IsFinite(LearningRate) || LearningRate <= 0) throw new ArgumentException($"learning rate must be positive and finite, got {LearningRate}");
        if (BatchSize <= 0 || MicroBatchSize <= 0 || BatchSize % MicroBatchSize != 0)
            throw new ArgumentException($"batch size ({BatchSize}) must be a positive multiple of the micro-batch size ({MicroBatchSize})");
        if (Epochs <= 0) throw new ArgumentException($"epochs must be positive, got {Epochs}");
    }
}
