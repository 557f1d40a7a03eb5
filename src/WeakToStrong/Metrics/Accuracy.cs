namespace WeakToStrong.Metrics;

/// <summary>Accuracy of predicted class probabilities against ground truth, with its binomial standard error.</summary>
internal sealed record Accuracy(double Value, double StandardError, int Count)
{
    public static Accuracy Of(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> labels)
    {
        if (probabilities.Count != labels.Count) throw new ArgumentException("predictions and labels differ in count");
        if (labels.Count == 0) throw new ArgumentException("cannot score an empty set");
        int correct = 0;
        for (int i = 0; i < labels.Count; i++) if (ArgMax(probabilities[i]) == labels[i]) correct++;
        double p = (double)correct / labels.Count;
        return new Accuracy(p, Math.Sqrt(p * (1 - p) / labels.Count), labels.Count);
    }

    public static int ArgMax(float[] values)
    {
        int best = 0;
        for (int k = 1; k < values.Length; k++) if (values[k] > values[best]) best = k;
        return best;
    }

    /// <summary>The share of examples given the most often predicted class (1.0: the model always says the same).</summary>
    public static double TopClassShare(IReadOnlyList<float[]> probabilities) =>
        probabilities.Count == 0 ? 0 : probabilities.GroupBy(ArgMax).Max(g => g.Count()) / (double)probabilities.Count;

    /// <summary>The accuracy of always answering the most frequent class.</summary>
    public static double MajorityRate(IReadOnlyList<int> labels) =>
        labels.Count == 0 ? 0 : labels.GroupBy(l => l).Max(g => g.Count()) / (double)labels.Count;
}
