namespace WeakToStrong.Data;

/// <summary>
/// How to split a task. TestFraction is used only when the task has no test set (held out stratified by class).
/// MaxTrain caps A+B together (each half gets half); MaxTest caps the test set. Caps keep class proportions.
/// </summary>
internal sealed record SplitOptions(int Seed = 0, double TestFraction = 0.2, int? MaxTrain = null, int? MaxTest = null);
