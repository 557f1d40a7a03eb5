namespace WeakToStrong.Metrics;

/// <summary>
/// Exact two-sided tests of whether paired differences centre on zero: the sign test (counts of wins and losses) and
/// Wilcoxon's signed-rank test (which also weighs the sizes). Zero differences are dropped, as both tests prescribe.
/// </summary>
internal static class PairedTests
{
    /// <summary>Two-sided exact sign test: 2 · P(X ≤ min(wins, losses)) for X ~ Binomial(wins + losses, 1/2), at most 1.</summary>
    public static double SignTest(int wins, int losses)
    {
        if (wins < 0 || losses < 0) throw new ArgumentException("negative counts");
        int n = wins + losses;
        if (n == 0) return 1;
        double tail = 0, pmf = Math.Pow(0.5, n); // P(X = 0), then P(X = k+1) = P(X = k) · (n − k) / (k + 1)
        for (int k = 0; k <= Math.Min(wins, losses); k++)
        {
            tail += pmf;
            pmf = pmf * (n - k) / (k + 1);
        }
        return Math.Min(1, 2 * tail);
    }

    /// <summary>
    /// Two-sided exact Wilcoxon signed-rank test. Ranks of |d| with mid-ranks for ties; W+ is the sum of the ranks of the
    /// positive differences; its null distribution (each rank's sign a fair coin) is counted exactly by dynamic
    /// programming over the doubled (so integer) ranks. p = 2 · min(P(W+ ≤ w), P(W+ ≥ w)), at most 1.
    /// </summary>
    public static double WilcoxonSignedRank(IReadOnlyList<double> differences)
    {
        var d = differences.Where(x => x != 0).ToArray();
        if (d.Length == 0) return 1;
        var order = Enumerable.Range(0, d.Length).OrderBy(i => Math.Abs(d[i])).ToArray();
        var doubledRank = new int[d.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && Math.Abs(d[order[end + 1]]) == Math.Abs(d[order[start]])) end++;
            // Positions start..end (0-based) share the mid-rank ((start+1)+(end+1))/2; doubled: start+end+2.
            for (int j = start; j <= end; j++) doubledRank[order[j]] = start + end + 2;
            start = end + 1;
        }
        int total = doubledRank.Sum(), observed = d.Select((x, i) => x > 0 ? doubledRank[i] : 0).Sum();
        var distribution = new double[total + 1];
        distribution[0] = 1;
        int reach = 0;
        foreach (int r in doubledRank)
        {
            for (int s = reach; s >= 0; s--)
                if (distribution[s] != 0) { distribution[s + r] += distribution[s] / 2; distribution[s] /= 2; }
            reach += r;
        }
        double lower = distribution.Take(observed + 1).Sum(), upper = distribution.Skip(observed).Sum();
        return Math.Min(1, 2 * Math.Min(lower, upper));
    }
}
