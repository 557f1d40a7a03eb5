using WeakToStrong.Data;

namespace WeakToStrong.Protocol;

/// <summary>
/// The three sets of the protocol. Half A (with ground truth) trains the weak supervisor; half B is public only as
/// inputs: its ground truth is internal, reachable by the protocol's ceiling run and evaluator but by no public API,
/// so student code cannot see it by construction.
/// </summary>
public sealed class ExperimentSplit
{
    private readonly IReadOnlyList<Example> b;

    public ExperimentSplit(IReadOnlyList<Example> a, IReadOnlyList<Example> b, IReadOnlyList<Example> test, int classes)
    {
        if (a.Count == 0 || b.Count == 0 || test.Count == 0)
            throw new ArgumentException($"every set needs examples (A {a.Count}, B {b.Count}, test {test.Count})");
        var ids = new HashSet<string>(a.Select(e => e.Id));
        if (b.Any(e => ids.Contains(e.Id))) throw new ArgumentException("halves A and B share examples");
        A = a;
        this.b = b;
        BInputs = b.Select(e => e.Input).ToList();
        Test = test;
        Classes = classes;
    }

    public int Classes { get; }

    /// <summary>What the inputs are (<see cref="Data.InputKinds"/>): decides how stages build models.</summary>
    public string Inputs { get; init; } = Data.InputKinds.Text;

    /// <summary>Weak supervisor's training data, with ground truth.</summary>
    public IReadOnlyList<Example> A { get; }

    /// <summary>Half B without labels: what the weak supervisor labels and the student trains on.</summary>
    public IReadOnlyList<ModelInput> BInputs { get; }

    public IReadOnlyList<Example> Test { get; }

    /// <summary>
    /// SHA-256 over every example's id and label in A, B and test (ids are content hashes of the texts): equal
    /// fingerprints mean equal data, so cached stage results can be keyed by it.
    /// </summary>
    internal string Fingerprint => fingerprint ??= ComputeFingerprint();

    private string? fingerprint;

    private string ComputeFingerprint()
    {
        var text = new System.Text.StringBuilder().Append(Classes).Append('\n');
        foreach (var (name, set) in new[] { ("A", A), ("B", b), ("test", Test) })
        {
            text.Append(name).Append('\n');
            foreach (var e in set) text.Append(e.Id).Append(' ').Append(e.Label).Append('\n');
        }
        return Results.Hashing.Sha256Hex(text.ToString());
    }

    /// <summary>
    /// A gold-label budget: <paramref name="count"/> examples of B with their ground truth, drawn without replacement by
    /// <paramref name="seed"/> (the same for every method and budget of a seed; a larger budget holds the smaller ones).
    /// The only way B's truth reaches the student.
    /// </summary>
    internal GoldLabels Gold(int count, int seed)
    {
        if (count < 1 || count > b.Count) throw new UserInputException("--gold", $"asks for {count} gold labels of half B ({b.Count} examples)",
            $"Give 1 to {b.Count}, or 0 for none.");
        var order = Enumerable.Range(0, b.Count).ToArray();
        new SeededRandom(seed, "gold").Shuffle(order);
        var positions = order.Take(count).Order().ToList();
        return new GoldLabels(positions, positions.Select(p => b[p]).ToList());
    }

    /// <summary>B's ground truth: for the ceiling run and for scoring the weak labels, never for the student.</summary>
    internal IReadOnlyList<Example> BWithGroundTruth => b;
}
