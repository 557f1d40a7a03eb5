namespace WeakToStrong.Data;

/// <summary>
/// Seeded, reproducible splits: stratified by class, so A, B and a held-out test set keep the pool's class
/// proportions. Each stage draws from its own named random stream, so e.g. changing MaxTest does not reshuffle A/B.
/// </summary>
internal static class Splitter
{
    public static DataSplit Split(TaskData task, SplitOptions? options = null) =>
        Split(task.Train, task.Test, options);

    public static DataSplit Split(IReadOnlyList<Example> pool, IReadOnlyList<Example>? test, SplitOptions? options = null)
    {
        options ??= new SplitOptions();
        if (options.TestFraction is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"TestFraction must be in (0, 1), got {options.TestFraction}.");
        var notes = new List<string>();

        var byClass = Shuffled(pool, new SeededRandom(options.Seed, "split/pool"));
        List<Example> testSet;
        if (test is null)
        {
            int n = byClass.Sum(g => g.Count);
            int t = (int)Math.Round(options.TestFraction * n, MidpointRounding.AwayFromZero);
            if (options.MaxTest is int mt) t = Math.Min(t, mt);
            testSet = TakeStratified(byClass, t);
            notes.Add($"held out {testSet.Count} of {n} examples as the test set (stratified, fraction {options.TestFraction})");
        }
        else
        {
            var testByClass = Shuffled(test, new SeededRandom(options.Seed, "split/test"));
            int t = test.Count;
            if (options.MaxTest is int mt && mt < t)
            {
                t = mt;
                notes.Add($"test set capped at {mt} of {test.Count} examples (stratified)");
            }
            testSet = TakeStratified(testByClass, t);
        }

        int remaining = byClass.Sum(g => g.Count);
        if (options.MaxTrain is int mtr && mtr < remaining)
        {
            var capped = TakeStratified(byClass, mtr);
            notes.Add($"train pool capped at {mtr} of {remaining} examples (stratified)");
            byClass = GroupByLabel(capped);
        }

        // Halve each class; odd leftovers alternate between A and B so the halves differ by at most one example.
        var a = new List<Example>();
        var b = new List<Example>();
        bool extraToA = true;
        foreach (var g in byClass)
        {
            int half = g.Count / 2;
            int toA = half + (g.Count % 2 == 1 && extraToA ? 1 : 0);
            if (g.Count % 2 == 1) extraToA = !extraToA;
            a.AddRange(g.Take(toA));
            b.AddRange(g.Skip(toA));
        }
        new SeededRandom(options.Seed, "split/order-a").Shuffle(a);
        new SeededRandom(options.Seed, "split/order-b").Shuffle(b);
        new SeededRandom(options.Seed, "split/order-test").Shuffle(testSet);
        return new DataSplit(a, b, testSet, notes);
    }

    /// <summary>Examples grouped by label (ascending), each group shuffled.</summary>
    private static List<List<Example>> Shuffled(IReadOnlyList<Example> examples, SeededRandom rng)
    {
        var groups = GroupByLabel(examples);
        foreach (var g in groups) rng.Shuffle(g);
        return groups;
    }

    private static List<List<Example>> GroupByLabel(IEnumerable<Example> examples) =>
        examples.GroupBy(e => e.Label).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();

    /// <summary>Removes and returns `count` examples from the front of the groups, allocated in proportion to group
    /// sizes (largest remainder; ties to the lower class index).</summary>
    private static List<Example> TakeStratified(List<List<Example>> groups, int count)
    {
        int total = groups.Sum(g => g.Count);
        count = Math.Clamp(count, 0, total);
        var quota = new int[groups.Count];
        var remainders = new (double Rem, int Index)[groups.Count];
        int assigned = 0;
        for (int i = 0; i < groups.Count; i++)
        {
            double exact = total == 0 ? 0 : (double)count * groups[i].Count / total;
            quota[i] = (int)Math.Floor(exact);
            assigned += quota[i];
            remainders[i] = (exact - quota[i], i);
        }
        foreach (var (_, i) in remainders.OrderByDescending(r => r.Rem).ThenBy(r => r.Index).Take(count - assigned))
            quota[i]++;
        var taken = new List<Example>(count);
        for (int i = 0; i < groups.Count; i++)
        {
            taken.AddRange(groups[i].Take(quota[i]));
            groups[i].RemoveRange(0, quota[i]);
        }
        return taken;
    }
}
