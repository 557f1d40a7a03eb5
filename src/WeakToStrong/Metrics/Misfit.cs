namespace WeakToStrong.Metrics;

/// <summary>
/// Squared-loss quantities of Charikar et al.'s gain bound: with squared loss and a convex strong class, the student's
/// error is at most the weak model's error minus the misfit between the two, so the gain is about the misfit.
/// Probabilities are compared as whole vectors over the classes (squared Euclidean distance).
/// </summary>
internal static class Misfit
{
    /// <summary>Mean over examples of the squared distance between two models' probability vectors.</summary>
    public static double Of(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"{a.Count} against {b.Count} predictions");
        if (a.Count == 0) throw new ArgumentException("misfit of no examples");
        return a.Zip(b, SquaredDistance).Average();
    }

    /// <summary>Squared-loss error (Brier score): mean squared distance from the probabilities to the one-hot truth.</summary>
    public static double SquaredError(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> truth)
    {
        if (probabilities.Count != truth.Count) throw new ArgumentException($"{probabilities.Count} predictions, {truth.Count} labels");
        return probabilities.Select((p, i) => p.Select((v, c) => (v - (c == truth[i] ? 1.0 : 0.0)) * (v - (c == truth[i] ? 1.0 : 0.0))).Sum()).Average();
    }

    private static double SquaredDistance(float[] p, float[] q)
    {
        if (p.Length != q.Length) throw new ArgumentException($"{p.Length} against {q.Length} classes");
        double sum = 0;
        for (int c = 0; c < p.Length; c++) sum += ((double)p[c] - q[c]) * ((double)p[c] - q[c]);
        return sum;
    }
}
