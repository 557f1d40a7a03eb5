using WeakToStrong.Data;
using WeakToStrong.Models;
using WeakToStrong.Training;
using Xunit;

namespace WeakToStrong.Tests;

public class LogisticRegressionTests
{
    [Fact]
    public void OneFeatureFitMatchesTheClosedFormOptimum()
    {
        // Rows x = 1 (class 1 in 3 of 4 rows) and x = 0 with a soft 0.5 target. With a huge C the penalty vanishes; the
        // softmax's two columns then reach logit differences ln 3 (x = 1 rows: bias + w) and 0 (x = 0 row: bias).
        SparseRow One() => new([0], [1f]);
        SparseRow Zero() => new([], []);
        var rows = new[] { One(), One(), One(), One(), Zero() };
        float[] yes = [0, 1], no = [1, 0], half = [0.5f, 0.5f];
        var targets = new[] { yes, yes, yes, no, half };
        var (fit, report) = LogisticRegression.Solve(rows, targets, 2, c: 1e9);
        double biasDiff = fit.Bias[1] - fit.Bias[0];
        double weightDiff = fit.Weights[1] - fit.Weights[0];
        Assert.Equal(0, biasDiff, 3);
        Assert.Equal(Math.Log(3), biasDiff + weightDiff, 3);
        // Mean cross-entropy at the optimum: 4/5 of H(3/4) + 1/5 of ln 2.
        double h = -(0.75 * Math.Log(0.75) + 0.25 * Math.Log(0.25));
        Assert.Equal(0.8 * h + 0.2 * Math.Log(2), report.TrainingLoss, 5);
        Assert.True(report.GradientNorm < 1e-4, $"gradient norm {report.GradientNorm}");
    }

    [Fact]
    public void PenaltyShrinksWeightsAsCFalls()
    {
        var rows = new[] { new SparseRow([0], [1f]), new SparseRow([1], [1f]) };
        var targets = new[] { new float[] { 0, 1 }, new float[] { 1, 0 } };
        double Spread(double c) { var (fit, _) = LogisticRegression.Solve(rows, targets, 2, c); return Math.Abs(fit.Weights[1] - fit.Weights[0]); }
        Assert.True(Spread(0.1) < Spread(1) && Spread(1) < Spread(10));
    }

    [Fact]
    public void CrossValidationPicksAGridValueAndReportsIt()
    {
        var rng = new Random(3);
        var rows = new List<SparseRow>();
        var targets = new List<float[]>();
        for (int i = 0; i < 200; i++)
        {
            int label = i % 2;
            // One informative feature (right 80% of the time) and one noise feature per row.
            int informative = rng.NextDouble() < 0.8 ? label : 1 - label;
            rows.Add(new SparseRow([informative, 2 + rng.Next(50)], [0.7071f, 0.7071f]));
            targets.Add(label == 1 ? [0, 1] : [1, 0]);
        }
        var (_, report) = LogisticRegression.FitWithCrossValidation(rows, targets, 2, seed: 0);
        Assert.Contains(report.C, LogisticRegression.Grid);
        Assert.Equal(LogisticRegression.Grid.Length, report.CrossValidationLosses.Count);
        Assert.Equal(report.CrossValidationLosses.Min(), report.CrossValidationLoss);
        Assert.True(report.CrossValidationLoss < Math.Log(2), $"CV loss {report.CrossValidationLoss} is no better than chance");
    }

    [Fact]
    public void BowFeaturesAreUnitLengthTfIdfOverTrainingVocabulary()
    {
        using var bow = new BagOfWordsClassifier(2);
        var train = new[] { "the cat sat", "the dog sat", "the cat ran" }.Select(t => bow.Encode(ModelInput.Of(t))).ToList();
        bow.Prepare(train);
        var row = bow.Features(bow.Encode(ModelInput.Of("the cat cat unseenword")));
        Assert.Equal(1.0, Math.Sqrt(row.Values.Sum(v => (double)v * v)), 5);
        // "the cat": features the, cat and the bigram; "the" is in all 3 training texts (idf ln(4/4) + 1 = 1), the other
        // two in 2 of them (idf ln(4/3) + 1).
        var plain = bow.Features(bow.Encode(ModelInput.Of("the cat")));
        Assert.Equal(3, plain.Columns.Length);
        Assert.Equal(1 / (Math.Log(4.0 / 3) + 1), plain.Values.Min() / plain.Values.Max(), 5);
        Assert.All(bow.Features(bow.Encode(ModelInput.Of("zebra quagga"))).Values, v => Assert.Equal(0f, v)); // nothing seen in training
    }
}
