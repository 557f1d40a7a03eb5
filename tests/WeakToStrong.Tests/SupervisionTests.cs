using WeakToStrong.Data;
using WeakToStrong.Models;
using WeakToStrong.Protocol;

namespace WeakToStrong.Tests;

/// <summary>Weak ensembles and gold-label budgets: parsing, the transformations against hand-computed values, and the stage keys.</summary>
public class SupervisionTests
{
    [Fact]
    public void EnsembleProbabilityIsTheMeanOfTheMembers()
    {
        // Example 1: (0.2+0.4)/2 = 0.3, (0.8+0.6)/2 = 0.7. Example 2: (0.6+1)/2 = 0.8, (0.4+0)/2 = 0.2.
        float[][] first = [[.2f, .8f], [.6f, .4f]];
        float[][] second = [[.4f, .6f], [1f, 0f]];
        var mean = WeakEnsemble.Mean([first, second]);
        Assert.Equal([0.3f, 0.7f], mean[0].Select(p => MathF.Round(p, 5)));
        Assert.Equal([0.8f, 0.2f], mean[1].Select(p => MathF.Round(p, 5)));
    }

    [Fact]
    public void EnsemblesParseFromTheirSpelling()
    {
        Assert.Null(WeakEnsemble.Parse("bow"));
        Assert.Equal([new("bow", 0), new("minilm-l1", 0)], WeakEnsemble.Parse("bow,minilm-l1")!.Members);
        Assert.Equal([new("bow", 1), new("bow", 2), new("bow", 3)], WeakEnsemble.Parse("bag3:bow")!.Members);
        Assert.Equal([new("bow", 1), new("bow", 2), new WeakEnsemble.Member("minilm-l1", 0)], WeakEnsemble.Parse("bag2:bow+minilm-l1")!.Members);
        Assert.Equal("bow+minilm-l1", WeakEnsemble.Canonical("bow, minilm-l1"));
        foreach (var bad in new[] { "bow,", "bow,bow", "bag1:bow", "bag:bow", "bag3:", "bag101:bow" })
            Assert.Equal("--weak", Assert.Throws<UserInputException>(() => WeakEnsemble.Parse(bad)).Subject);
    }

    [Fact]
    public void BootstrapResamplesAreSeededDrawsWithReplacement()
    {
        var a = Enumerable.Range(0, 50).ToList();
        var first = WeakEnsemble.Resample(a, seed: 3, resample: 1);
        Assert.Equal(first, WeakEnsemble.Resample(a, 3, 1));
        Assert.Equal(a.Count, first.Count);
        Assert.All(first, x => Assert.Contains(x, a));
        Assert.True(first.Distinct().Count() < a.Count); // 50 draws with replacement repeat some (all distinct: p = 50!/50^50)
        Assert.NotEqual(first, WeakEnsemble.Resample(a, 3, 2));
        Assert.NotEqual(first, WeakEnsemble.Resample(a, 4, 1));
    }

    [Fact]
    public void EnsemblePlanSharesItsMembersWithSingleWeakExperiments()
    {
        var single = Experiment.Plan(new ExperimentConfig("bow", "minilm-l1"), "t", "d");
        var ensemble = Experiment.Plan(new ExperimentConfig("bow+bag2:bow", "minilm-l1"), "t", "d");
        Assert.Equal(3, ensemble.Members.Count);
        Assert.Equal(single.Weak.Key, ensemble.Members[0].Key); // the plain member is the single-weak experiment's stage
        Assert.Equal(3, ensemble.Members.Select(m => m.Key).Distinct().Count());
        Assert.Equal(StageKind.Ensemble, ensemble.Weak.Kind);
        Assert.Same(ensemble.Weak, ensemble.Student.Labeller);
        Assert.Equal(single.Ceiling.Key, ensemble.Ceiling.Key);
        Assert.Equal(ensemble.Stages.Take(4), [.. ensemble.Members, ensemble.Weak]); // members run before the ensemble
        Assert.Equal([.. ensemble.Members], ensemble.Weak.Upstream);
        // Options that are off do not enter the key.
        Assert.DoesNotContain("members", single.Student.CanonicalJson());
        Assert.DoesNotContain("resample", single.Weak.CanonicalJson());
        Assert.DoesNotContain("gold", single.Student.CanonicalJson());
    }

    [Fact]
    public void EnsembleRunReportsItsMembersAndScoresPgrAgainstTheEnsemble()
    {
        var (split, data) = Poisoned(invertB: false);
        var (result, weakLabels, _) = Experiment.Run(split, data, new ExperimentConfig("bag3:bow", "bow", "xent", Seed: 2));
        Assert.Equal(3, result.WeakMembers!.Count);
        Assert.All(result.WeakMembers, m => Assert.True(m.TestAccuracy > 0.9, $"member {m.Resample}: {m.TestAccuracy}"));
        Assert.Equal("bag3:bow", weakLabels.Supervisor);
        Assert.Equal(Metrics.Pgr.Of(result.Weak.TestAccuracy, result.Student.TestAccuracy, result.Ceiling.TestAccuracy, result.Config.MinGap).Gap, result.Gap);
    }

    [Fact]
    public void PlattMapIsTheMaximumLikelihoodLogisticFitOnTheWeakLogit()
    {
        // At logit +1 three of four gold labels are 1, at −1 one of four: σ(A + B) = 3/4 and σ(−A + B) = 1/4, so B = 0, A = ln 3.
        var map = PlattMap.Fit([1, 1, 1, 1, -1, -1, -1, -1], [1, 1, 1, 0, 1, 0, 0, 0]);
        Assert.Equal(Math.Log(3), map.A, 4);
        Assert.Equal(0, map.B, 4);
        // A weak label with logit 1 (p₁ = e/(1+e)) maps to 3/4; one at 1/2 stays there.
        float e = MathF.E / (1 + MathF.E);
        Assert.Equal(0.75f, map.Apply([1 - e, e])[1], 4);
        Assert.Equal(0.5f, map.Apply([.5f, .5f])[1], 4);
    }

    [Fact]
    public void PlattMapConvergesWhereAFullNewtonStepRunsAway()
    {
        // Overlapping classes (positives at −2, −2, −1, 2; negatives at 1, 1), so the maximum-likelihood map is finite.
        // Undamped Newton from the identity map ran off to A = 2e6, B = 1e6 on these labels.
        double[] logits = [1, -2, 1, 2, -2, -1];
        int[] labels = [0, 1, 0, 1, 1, 1];
        var map = PlattMap.Fit(logits, labels);
        Assert.InRange(map.A, -0.9, -0.85);
        Assert.InRange(map.B, 0.84, 0.89);
        // At the optimum the gradient vanishes: Σ(p − y)·z = 0 and Σ(p − y) = 0 (the ridge of 1e-6 aside).
        double gA = 0, gB = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double r = 1 / (1 + Math.Exp(-(map.A * logits[i] + map.B))) - labels[i];
            gA += r * logits[i];
            gB += r;
        }
        Assert.True(Math.Abs(gA) < 1e-5 && Math.Abs(gB) < 1e-5, $"gradient ({gA}, {gB})");
        Assert.True(PlattMap.Objective(logits, labels, map.A, map.B) < PlattMap.Objective(logits, labels, 1, 0));
    }

    [Fact]
    public void MixReplacesGoldPositionsWithTruthAndRepeatsThem()
    {
        WeakLabel L(string text, float p1) => new(ModelInput.Of(text, null), [1 - p1, p1]);
        var weak = new[] { L("a", .9f), L("b", .8f), L("c", .3f) };
        var gold = new GoldLabels([1], [Example.Of("b", null, 0)]);
        var mixed = GoldBudget.Mix(weak, gold, 2);
        Assert.Equal(weak.Length + GoldBudget.MixWeight - 1, mixed.Count);
        Assert.Equal([.9f, 0f, .3f, 0f, 0f, 0f], mixed.Select(l => l.Probabilities[1]));
        Assert.All(mixed.Skip(3), l => Assert.Equal("b", l.Input.Text));
    }

    [Fact]
    public void GoldLabelsAreASeededSampleAndLargerBudgetsHoldSmallerOnes()
    {
        var (split, _) = Poisoned(invertB: false);
        var small = split.Gold(8, seed: 1);
        var large = split.Gold(32, seed: 1);
        Assert.Equal(small.Positions, split.Gold(8, 1).Positions);
        Assert.Equal(8, small.Positions.Distinct().Count());
        Assert.Equal(small.Positions.Order(), small.Positions);
        Assert.Subset(large.Positions.ToHashSet(), small.Positions.ToHashSet());
        Assert.Equal(small.Positions.Select(p => split.BInputs[p]), small.Examples.Select(e => e.Input));
        Assert.NotEqual(small.Positions, split.Gold(8, 2).Positions);
        Assert.Equal("--gold", Assert.Throws<UserInputException>(() => split.Gold(split.BInputs.Count + 1, 1)).Subject);
    }

    [Fact]
    public void PlattRefusesMoreThanTwoClasses()
    {
        var weak = new[] { new WeakLabel(ModelInput.Of("a", null), [.2f, .3f, .5f]) };
        var gold = new GoldLabels([0], [Example.Of("a", null, 2)]);
        Assert.Equal("--gold-use", Assert.Throws<UserInputException>(() => GoldBudget.Calibrate(weak, gold)).Subject);
    }

    /// <summary>Rule "good" → 0, "bad" → 1 in A and test; B's truth follows it, or is inverted.</summary>
    internal static (ExperimentSplit Split, DataReport Data) Poisoned(bool invertB, Func<int, bool>? invertAt = null)
    {
        var rng = new Random(1);
        Example Make(int i, bool invert)
        {
            int label = rng.Next(2);
            var text = $"{(label == 0 ? "good" : "bad")} item {i} {rng.Next(1000)}";
            return Example.Of(text, null, invert ? 1 - label : label);
        }
        var a = Enumerable.Range(0, 200).Select(i => Make(i, false)).ToList();
        var b = Enumerable.Range(200, 200).Select(i => Make(i, invertB && (invertAt?.Invoke(i - 200) ?? true))).ToList();
        var test = Enumerable.Range(400, 100).Select(i => Make(i, false)).ToList();
        return (new ExperimentSplit(a, b, test, 2), new DataReport("poisoned", 2, ["0", "1"], a.Count, b.Count, test.Count, 0.5, []));
    }
}

/// <summary>Strong-to-strong rounds: the plan's chain of students, and what each round trains on.</summary>
public class StrongToStrongTests
{
    [Fact]
    public void EachRoundIsAFreshStudentOfThePreviousStudentsLabels()
    {
        var plain = Experiment.Plan(new ExperimentConfig("bow", "minilm-l1"), "t", "d");
        var plan = Experiment.Plan(new ExperimentConfig("bow", "minilm-l1", StrongToStrong: 2), "t", "d");
        Assert.Equal(2, plan.Rounds.Count);
        Assert.Equal(plain.Student.Key, plan.Rounds[0].Key); // round 0 is the plain experiment's student, shared
        Assert.Same(plan.Rounds[0], plan.Rounds[1].Labeller);
        Assert.Same(plan.Rounds[1], plan.Student.Labeller);
        Assert.Equal([0, 1, 2], new[] { plan.Rounds[0], plan.Rounds[1], plan.Student }.Select(s => s.StudentRound()));
        Assert.Contains("s2s round 2", plan.Student.Describe());
        Assert.Equal([.. plan.Rounds, plan.Student], plan.Stages.Where(s => s.Kind == StageKind.Student));
        Assert.Equal(plain.Weak.Key, plan.Weak.Key);
    }

    [Fact]
    public void ARoundTrainsOnThePreviousStudentsPredictionsOnB()
    {
        var (split, _) = SupervisionTests.Poisoned(invertB: false);
        var plan = Experiment.Plan(new ExperimentConfig("bow", "bow", StrongToStrong: 1), "t", "d");
        // The previous student's predictions on B (TrainProbabilities), one per input of B: example i gets p₁ = i / |B|.
        var predictions = split.BInputs.Select((_, i) => new[] { 1 - (float)i / split.BInputs.Count, (float)i / split.BInputs.Count }).ToArray();
        var previous = new StageOutput(new ModelResult("student", "bow", "", "xent", 0, 0, 0, null, 0, 0, 0, 0), [], null, 0, 0) { TrainProbabilities = predictions };
        var labels = StageTraining.LabelsFor(plan.Student, split, s => s == plan.Rounds[0] ? previous : throw new InvalidOperationException());
        Assert.Equal(split.BInputs, labels.Labels.Select(l => l.Input));
        Assert.Equal(predictions, labels.Labels.Select(l => l.Probabilities));
    }

    [Fact]
    public void RunReportsEveryRound()
    {
        var (split, data) = SupervisionTests.Poisoned(invertB: false);
        var (result, _, _) = Experiment.Run(split, data, new ExperimentConfig("bow", "bow", "xent", Seed: 2, StrongToStrong: 2));
        Assert.Equal(2, result.StudentRounds!.Count);
        Assert.Contains("s2s round 2", result.Student.TrainedOn);
        Assert.True(result.Student.TestAccuracy > 0.9, $"{result.Student.TestAccuracy}");
    }
}

/// <summary>The kNN probe on the student's embeddings: its labels and its filter against hand-computed values.</summary>
public class EmbeddingProbeTests
{
    // Four examples on two directions: 0 and 1 point along x, 2 and 3 along y (3 slightly tilted towards x).
    private static readonly float[][] Embeddings = [[1, 0], [2, 0.1f], [0, 1], [0.2f, 1]];
    private static readonly float[][] Weak = [[.9f, .1f], [.7f, .3f], [.2f, .8f], [.6f, .4f]];

    [Fact]
    public void ProbeLabelIsTheMeanWeakLabelOfTheNearestOtherExamples()
    {
        // k = 1: 0 ↔ 1 and 2 ↔ 3 are each other's nearest, so each takes the other's weak label.
        var one = EmbeddingProbe.KnnLabels(Embeddings, Weak, k: 1);
        Assert.Equal([.7f, .9f, .6f, .2f], one.Select(p => p[0]));
        // k = 2: example 0's nearest are 1 (cos ≈ 0.999) and 3 (cos 0.2/√1.04 ≈ 0.196): mean of .7 and .6 = .65.
        // Example 2's nearest are 3 (≈ 0.981) and 1 (0.1/√4.01 ≈ 0.050): mean of .6 and .7 = .65.
        var two = EmbeddingProbe.KnnLabels(Embeddings, Weak, k: 2);
        Assert.Equal(.65f, two[0][0], 5);
        Assert.Equal(.65f, two[2][0], 5);
    }

    [Fact]
    public void FilterDropsTheShareThatDisagreesMost()
    {
        // Total variation from the probe's labels: |.9−.7| = .2, |.7−.9| = .2, |.2−.6| = .4, |.6−.2| = .4. Dropping 50% drops
        // the two at .4; dropping 25% drops one of them, the later on a tie.
        float[][] probe = [[.7f, .3f], [.9f, .1f], [.6f, .4f], [.2f, .8f]];
        Assert.Equal([0, 1], EmbeddingProbe.Kept(Weak, probe, 0.5));
        Assert.Equal([0, 1, 2], EmbeddingProbe.Kept(Weak, probe, 0.25));
        Assert.Equal([0, 1, 2, 3], EmbeddingProbe.Kept(Weak, probe, 0.1)); // ⌊0.4⌋ = 0 dropped
    }

    [Fact]
    public void RelabelKeepsInputsAndReplacesLabels()
    {
        var labels = Weak.Select((w, i) => new WeakLabel(ModelInput.Of($"x{i}", null), w)).ToList();
        var relabelled = EmbeddingProbe.Apply(ProbeUse.Relabel, labels, Embeddings);
        Assert.Equal(labels.Select(l => l.Input), relabelled.Select(l => l.Input));
        Assert.Equal(EmbeddingProbe.KnnLabels(Embeddings, Weak).Select(p => p[0]), relabelled.Select(l => l.Probabilities[0]));
        Assert.Equal(4, EmbeddingProbe.Apply(ProbeUse.Filter, labels, Embeddings).Count); // 10% of 4 rounds down to none
    }

    [Fact]
    public void ProbeIsPartOfTheStudentsKeyOnlyWhenSet()
    {
        var plain = Experiment.Plan(new ExperimentConfig("bow", "minilm-l1"), "t", "d");
        var probed = Experiment.Plan(new ExperimentConfig("bow", "minilm-l1", Probe: ProbeUse.Filter), "t", "d");
        Assert.DoesNotContain("probe", plain.Student.CanonicalJson());
        Assert.Contains("\"probe\":\"Filter\"", probed.Student.CanonicalJson());
        Assert.Equal(plain.Weak.Key, probed.Weak.Key);
        Assert.Equal(plain.Ceiling.Key, probed.Ceiling.Key);
    }
}
