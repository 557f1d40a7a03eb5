namespace WeakToStrong.Data;

/// <summary>
/// The three sets of the experiment: A trains the weak supervisor on ground truth, B is labelled by it for the student
/// (and trains the ceiling on ground truth), Test evaluates everyone. A and B are disjoint and do not overlap Test.
/// </summary>
internal sealed record DataSplit(IReadOnlyList<Example> A, IReadOnlyList<Example> B, IReadOnlyList<Example> Test, IReadOnlyList<string> Notes)
{
    /// <summary>B without its labels: what the weak supervisor labels and the only view of B the student's code needs.</summary>
    public IReadOnlyList<ModelInput> BInputs => B.Select(e => e.Input).ToList();
}
