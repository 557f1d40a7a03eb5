using WeakToStrong.Losses;
using WeakToStrong.Metrics;

namespace WeakToStrong.Tests.Vision;

/// <summary>Metrics with K > 2 classes, against answers worked out by hand.</summary>
public class KClassMetricTests
{
    [Fact]
    public void MacroAuroc_AveragesOneVsRestAurocs()
    {
        float[][] p = [[0.6f, 0.3f, 0.1f], [0.5f, 0.4f, 0.1f], [0.2f, 0.3f, 0.5f], [0.3f, 0.5f, 0.2f]];
        int[] labels = [0, 1, 2, 0];
        // class 0: positives 0.6, 0.3 vs negatives 0.5, 0.2 → 3 of 4 pairs; class 1: 0.4 vs 0.3, 0.3, 0.5 → 2/3; class 2: 1.
        Assert.Equal((0.75 + 2.0 / 3 + 1.0) / 3, Auroc.OfProbabilities(p, labels)!.Value, 12);
    }

    [Fact]
    public void MacroAuroc_SkipsAbsentClasses_AndIsTheBinaryAurocForTwoClasses()
    {
        float[][] three = [[0.7f, 0.2f, 0.1f], [0.2f, 0.7f, 0.1f], [0.4f, 0.5f, 0.1f]];
        Assert.Equal(1.0, Auroc.OfProbabilities(three, [0, 1, 1])); // class 2 never occurs: averaged over classes 0 and 1
        Assert.Null(Auroc.OfProbabilities(three, [1, 1, 1]));

        float[][] two = [[0.9f, 0.1f], [0.8f, 0.2f], [0.3f, 0.7f], [0.6f, 0.4f]];
        int[] labels = [0, 1, 1, 0];
        Assert.Equal(Auroc.Of(two.Select(x => (double)x[1]).ToList(), labels), Auroc.OfProbabilities(two, labels));
        Assert.Equal(0.75, Auroc.OfProbabilities(two, labels));
    }

    [Fact]
    public void CalibrationAndAccuracy_UseTheTopClassOfK()
    {
        float[][] p = [[0.9f, 0.05f, 0.05f], [0.2f, 0.6f, 0.2f], [0.1f, 0.1f, 0.8f], [0.3f, 0.3f, 0.4f]];
        int[] labels = [0, 2, 2, 1];
        Assert.Equal(0.5, Accuracy.Of(p, labels).Value);
        // Bins: 0.9 right, 0.6 wrong, 0.8 right, 0.4 wrong → (|1-0.9| + |0-0.6| + |1-0.8| + |0-0.4|) / 4.
        Assert.Equal((0.1 + 0.6 + 0.2 + 0.4) / 4, CalibrationError.Expected(p, labels), 6);
        Assert.Equal(0.5, Accuracy.MajorityRate([0, 2, 2, 1]));
    }

    [Fact]
    public void ConfidenceLoss_HardensToTheStudentsArgmaxForKClasses()
    {
        var logits = TorchSharp.torch.tensor(new float[] { 0, 2, 1, 3, 0, 0 }, [2, 3]);
        var weak = TorchSharp.torch.tensor(new float[] { 1, 0, 0, 0, 0, 1 }, [2, 3]);
        var hard = ConfidenceLoss.HardenedStudentLabels(logits, weak).data<float>().ToArray();
        Assert.Equal([0f, 1f, 0f, 1f, 0f, 0f], hard);
    }

    [Fact]
    public void Pgr_IsTheSameFormulaForKClasses()
    {
        var pgr = Pgr.Of(weak: 0.70, student: 0.76, ceiling: 0.85);
        Assert.Equal(0.4, pgr.Value!.Value, 10);
        Assert.Null(Pgr.Of(0.80, 0.81, 0.82).Value); // gap 2 points: below the threshold
    }
}
