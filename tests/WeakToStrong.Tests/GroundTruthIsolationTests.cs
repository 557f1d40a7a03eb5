using System.Reflection;
using WeakToStrong.Data;
using WeakToStrong.Protocol;

namespace WeakToStrong.Tests;

/// <summary>The student must never see half B's ground truth: by type, and in behaviour.</summary>
public class GroundTruthIsolationTests
{
    [Fact]
    public void HalfBGroundTruthIsNotReachableThroughAnyPublicMember()
    {
        var split = typeof(ExperimentSplit);
        var publicProperties = split.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet();
        Assert.Equal(new HashSet<string> { "A", "BInputs", "Test", "Classes", "Inputs" }, publicProperties);
        Assert.Equal(typeof(IReadOnlyList<ModelInput>), split.GetProperty("BInputs")!.PropertyType);
        // Inputs carry no label, and what a student trains on holds only inputs and a supervisor's probabilities.
        Assert.DoesNotContain(typeof(ModelInput).GetProperties(), p => p.PropertyType == typeof(int));
        Assert.Equal(new[] { "Input", "Probabilities", "HardLabel" }, typeof(WeakLabel).GetProperties().Select(p => p.Name).ToArray());
        Assert.Null(split.GetProperty("BWithGroundTruth", BindingFlags.Public | BindingFlags.Instance));
    }

    [Fact]
    public void StudentFollowsWeakLabelsEvenWhenHalfBGroundTruthIsPoisoned()
    {
        // Rule: "good" → 0, "bad" → 1 in A and test. B's ground truth is inverted: a ceiling trained on it must fail, and a student
        // that could see it would fail too. The student only gets the weak supervisor's labels, which follow the rule.
        var (split, data) = SupervisionTests.Poisoned(invertB: true);
        var config = new ExperimentConfig("bow", "bow", "xent", Seed: 3, Epochs: 3);

        var (result, weakLabels, weakCorrect) = Experiment.Run(split, data, config);

        Assert.True(result.Weak.TestAccuracy > 0.95, $"weak {result.Weak.TestAccuracy}");
        Assert.True(result.Student.TestAccuracy > 0.95, $"student {result.Student.TestAccuracy}");
        Assert.True(result.Ceiling.TestAccuracy < 0.5, $"ceiling {result.Ceiling.TestAccuracy}"); // learns the inversion
        Assert.True(result.WeakLabelAccuracyOnB < 0.05); // the evaluator does see B's (poisoned) truth
        Assert.Equal(split.BInputs.Count, weakLabels.Labels.Count);
        Assert.True(weakCorrect.Count(c => c) < 10);
    }

    [Theory]
    [InlineData(GoldUse.Mix)]
    [InlineData(GoldUse.Platt)]
    public void WithAGoldBudgetOnlyTheGoldLabelsOfHalfBReachTheStudent(GoldUse use)
    {
        // Two splits that differ only in B's truth outside the gold positions (inverted in one): if any of that truth
        // reached the student, its training and so its predictions would differ.
        const int seed = 3, k = 12;
        var gold = SupervisionTests.Poisoned(invertB: false).Split.Gold(k, seed).Positions.ToHashSet();
        var (clean, data) = SupervisionTests.Poisoned(invertB: false);
        var (poisoned, _) = SupervisionTests.Poisoned(invertB: true, invertAt: i => !gold.Contains(i));
        var config = new ExperimentConfig("bow", "bow", "xent", Seed: seed, Gold: new GoldBudget(k, use));

        var (a, _, _) = Experiment.Run(clean, data, config);
        var (b, _, _) = Experiment.Run(poisoned, data, config);

        Assert.Equal(clean.Gold(k, seed).Examples, poisoned.Gold(k, seed).Examples); // the gold examples themselves agree
        Assert.Equal(a.Student.TestAccuracy, b.Student.TestAccuracy);
        Assert.Equal(a.Diagnostics!.MisfitOnB, b.Diagnostics!.MisfitOnB); // the student's predictions on B, to the last bit
        Assert.Equal(a.Diagnostics.MisfitOnTest, b.Diagnostics.MisfitOnTest);
        Assert.True(b.Ceiling.TestAccuracy < 0.5, $"ceiling {b.Ceiling.TestAccuracy}"); // the ceiling does read the poisoned truth
    }

    [Fact]
    public void GoldLabelsReachTheStudentWhenMixedIn()
    {
        // The converse: with B's truth inverted at the gold positions only, mixing them in changes the student.
        const int seed = 3, k = 12;
        var gold = SupervisionTests.Poisoned(invertB: false).Split.Gold(k, seed).Positions.ToHashSet();
        var (clean, data) = SupervisionTests.Poisoned(invertB: false);
        var (poisoned, _) = SupervisionTests.Poisoned(invertB: true, invertAt: gold.Contains);
        var config = new ExperimentConfig("bow", "bow", "xent", Seed: seed, Gold: new GoldBudget(k, GoldUse.Mix));
        Assert.NotEqual(Experiment.Run(clean, data, config).Result.Diagnostics!.MisfitOnB, Experiment.Run(poisoned, data, config).Result.Diagnostics!.MisfitOnB);
    }
}
