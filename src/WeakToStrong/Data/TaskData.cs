namespace WeakToStrong.Data;

/// <summary>
/// A classification task as loaded from disk: ground-truth examples before any split.
/// Test is null when the source has no test set; the Splitter then holds one out of Train.
/// Notes record everything the loader changed (dropped duplicates, conflicts, ...) so that reports can say so.
/// </summary>
public sealed record TaskData(
    string Name,
    string[] ClassNames,
    IReadOnlyList<Example> Train,
    IReadOnlyList<Example>? Test,
    string Provenance,
    IReadOnlyList<string> Notes)
{
    public int ClassCount => ClassNames.Length;

    /// <summary>What the inputs are (<see cref="InputKinds"/>); text unless task.json says otherwise.</summary>
    public string Inputs { get; init; } = InputKinds.Text;

    /// <summary>What the loader found suspicious but used (also in Notes); the CLI shows these before any training.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// The task for choosing settings, for a task with its own test set: the test set is dropped, so the split holds a
    /// validation set out of the training pool in its place. Renamed, so that its results are never mistaken for test results.
    /// </summary>
    public TaskData ValidationTask() => this with
    {
        Name = Name + "-validation",
        Test = null,
        Notes = [.. Notes, "validation task: the test set is not used; the examples scored are held out of the training pool"],
    };
}
