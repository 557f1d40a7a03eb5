namespace WeakToStrong.Metrics;

/// <summary>Area under the ROC curve for binary labels: the Mann-Whitney statistic, tied scores counting one half.</summary>
public static class Auroc
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
}
