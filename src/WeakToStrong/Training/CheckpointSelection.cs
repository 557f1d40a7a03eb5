namespace WeakToStrong.Training;

/// <summary>
/// Keep the best of several checkpoints instead of the last one: Score is evaluated at Evaluations evenly spaced steps
/// (the last step included) and the weights with the highest score are restored at the end.
/// </summary>
public sealed record CheckpointSelection(string Criterion, Func<Models.Classifier, double> Score, int Evaluations = 8);
