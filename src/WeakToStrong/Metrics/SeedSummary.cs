namespace WeakToStrong.Metrics;

/// <summary>
/// A quantity measured over several seeds: mean, standard error of the mean, and a 95% percentile-bootstrap interval
/// of the mean (seeded, so the same inputs always give the same interval).
/// </summary>
internal sealed record SeedSummary(double Mean, double StandardError, double CiLow, double CiHigh, int Count)
{
    public const int Resamples = 10_000;

    public static SeedSummary? Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return null;
        double mean = values.Average();
        double se = values.Count > 1
            ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) / values.Count)
            : double.NaN;
        var rng = new Random(12345);
        var means = new double[Resamples];
        for (int r = 0; r < Resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < values.Count; i++) sum += values[rng.Next(values.Count)];
            means[r] = sum / values.Count;
        }
        Array.Sort(means);
        return new SeedSummary(mean, se, Percentile(means, 0.025), Percentile(means, 0.975), values.Count);
    }

    /// <summary>Median, as the paper aggregates PGR over model pairs and tasks.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("median of nothing");
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int lo = (int)position, hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
    }

    public override string ToString() => Count > 1 ? $"{Mean:F3} ± {StandardError:F3} [{CiLow:F3}, {CiHigh:F3}]" : $"{Mean:F3}";
}
