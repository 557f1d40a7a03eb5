namespace WeakToStrong.Metrics;

/// <summary>
/// Area under the ROC curve. Binary: the Mann-Whitney statistic, tied scores counting one half. K classes: the macro
/// average of the K one-vs-rest AUROCs (class k's probability ranks class k against the rest), over the classes that
/// occur with both outcomes; for two classes this equals the binary AUROC of class 1.
/// </summary>
internal static class Auroc
{
    /// <returns>AUROC in [0, 1], or null when only one class is present.</returns>
    public static double? Of(IReadOnlyList<double> scores, IReadOnlyList<int> labels)
    {
        if (scores.Count != labels.Count) throw new ArgumentException("scores and labels differ in count");
        long positives = labels.Count(l => l == 1), negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0) return null;
        // Average ranks over ties, then the rank-sum formula.
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            double averageRank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) if (labels[order[k]] == 1) positiveRankSum += averageRank;
            start = end + 1;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }

    /// <summary>
    /// AUROC of class probabilities [n][K]: binary AUROC of class 1 for K = 2, macro one-vs-rest for K > 2; null when no
    /// class has both positive and negative examples.
    /// </summary>
    public static double? OfProbabilities(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> labels)
    {
        if (probabilities.Count != labels.Count) throw new ArgumentException("predictions and labels differ in count");
        if (probabilities.Count == 0) return null;
        int classes = probabilities[0].Length;
        if (classes == 2) return Of(probabilities.Select(p => (double)p[1]).ToList(), labels);
        var perClass = Enumerable.Range(0, classes)
            .Select(k => Of(probabilities.Select(p => (double)p[k]).ToList(), labels.Select(l => l == k ? 1 : 0).ToList()))
            .OfType<double>().ToList();
        return perClass.Count == 0 ? null : perClass.Average();
    }
}
