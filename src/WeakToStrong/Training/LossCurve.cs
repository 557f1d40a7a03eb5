namespace WeakToStrong.Training;

/// <summary>A training-loss curve small enough to store with every result.</summary>
internal static class LossCurve
{
    public const int Points = 10;

    /// <summary>Mean loss of each of <see cref="Points"/> consecutive, near-equal runs of steps (each step if fewer).</summary>
    public static IReadOnlyList<double> Of(IReadOnlyList<double> perStep)
    {
        int points = Math.Min(Points, perStep.Count);
        return Enumerable.Range(0, points)
            .Select(k => perStep.Skip(perStep.Count * k / points).Take(perStep.Count * (k + 1) / points - perStep.Count * k / points).Average())
            .Select(v => Math.Round(v, 4))
            .ToList();
    }
}
