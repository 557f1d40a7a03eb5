namespace WeakToStrong.Data;

/// <summary>
/// Class balancing as in the paper: when the majority class exceeds the threshold (55%) of a set, every class is
/// downsampled (seeded) to the size of the smallest class present. Otherwise the set is returned unchanged.
/// A weak model that always predicts the majority class scores the majority rate, so report it either way.
/// </summary>
internal static class Balancer
{
    public const double PaperThreshold = 0.55;

    public static (IReadOnlyList<Example> Examples, BalanceReport Report) Balance(
        IReadOnlyList<Example> examples, int seed, double threshold = PaperThreshold)
    {
        int classes = examples.Count == 0 ? 0 : examples.Max(e => e.Label) + 1;
        var before = Counts(examples, classes);
        double rateBefore = MajorityRate(examples);
        if (examples.Count == 0 || rateBefore <= threshold)
            return (examples, new BalanceReport(false, before, before, rateBefore, rateBefore));

        int target = before.Where(c => c > 0).Min();
        var rng = new SeededRandom(seed, "balance");
        var keep = new HashSet<int>();
        for (int c = 0; c < classes; c++)
        {
            var indices = Enumerable.Range(0, examples.Count).Where(i => examples[i].Label == c).ToList();
            rng.Shuffle(indices);
            keep.UnionWith(indices.Take(target));
        }
        // Kept examples stay in their original order.
        var kept = Enumerable.Range(0, examples.Count).Where(keep.Contains).Select(i => examples[i]).ToList();
        var after = Counts(kept, classes);
        return (kept, new BalanceReport(true, before, after, rateBefore, MajorityRate(kept)));
    }

    /// <summary>Share of the most frequent class: the accuracy of always predicting it. 0 for an empty set.</summary>
    public static double MajorityRate(IReadOnlyCollection<Example> examples) =>
        examples.Count == 0 ? 0 : (double)examples.GroupBy(e => e.Label).Max(g => g.Count()) / examples.Count;

    private static int[] Counts(IEnumerable<Example> examples, int classes)
    {
        var counts = new int[classes];
        foreach (var e in examples) counts[e.Label]++;
        return counts;
    }
}
