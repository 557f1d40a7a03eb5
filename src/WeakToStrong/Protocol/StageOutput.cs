namespace WeakToStrong.Protocol;

/// <summary>
/// What a finished stage leaves behind: the trained model's test result and test probabilities, and for labelling stages
/// (weak, link) the class probabilities it gave the inputs it labels. The model itself is not kept.
/// </summary>
internal sealed record StageOutput(
    ModelResult Result,
    float[][] TestProbabilities,
    float[][]? Labels,
    int DroppedByFilter,
    double Seconds)
{
    /// <summary>The student's probabilities on the inputs it was given (before any filter or held-out tenth), for the misfit on B; null for
    /// other stages and for students cached before it was kept.</summary>
    public float[][]? TrainProbabilities { get; init; }
}
