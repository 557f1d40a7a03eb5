namespace WeakToStrong.Metrics;

/// <summary>
/// Expected calibration error: predictions binned by confidence (top probability) into equal-width bins over [0, 1];
/// the count-weighted mean of |accuracy - mean confidence| per bin.
/// </summary>
internal static class CalibrationError
{
    public static double Expected(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> labels, int bins = 10)
    {
        if (probabilities.Count != labels.Count || labels.Count == 0) throw new ArgumentException("need as many non-zero predictions as labels");
        var count = new int[bins];
        var confidence = new double[bins];
        var correct = new double[bins];
        for (int i = 0; i < labels.Count; i++)
        {
            int predicted = Accuracy.ArgMax(probabilities[i]);
            double top = probabilities[i][predicted];
            int bin = Math.Min(bins - 1, (int)(top * bins)); // a confidence of exactly 1 goes to the last bin
            count[bin]++;
            confidence[bin] += top;
            if (predicted == labels[i]) correct[bin]++;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++)
            if (count[b] > 0) ece += Math.Abs(correct[b] / count[b] - confidence[b] / count[b]) * count[b] / labels.Count;
        return ece;
    }
}
