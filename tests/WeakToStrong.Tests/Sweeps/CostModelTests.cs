using WeakToStrong.Data;
using WeakToStrong.Protocol;
using WeakToStrong.Sweeps;

namespace WeakToStrong.Tests.Sweeps;

/// <summary>The sweep's time estimate follows what a stage's cost depends on: tokens after truncation, `bow`'s features.</summary>
public class CostModelTests
{
    private static TaskData Texts(string name, Func<int, string> text) => new(name, ["a", "b"],
        Enumerable.Range(0, 1000).Select(i => Example.Of(text(i), null, i % 2)).ToList(),
        Enumerable.Range(1000, 200).Select(i => Example.Of(text(i), null, i % 2)).ToList(), "tests", []);

    private static double Seconds(TaskData task, string model, StageKind kind)
    {
        var plan = SweepPlan.Create(new SweepConfig([task.Name], ["bow", "minilm-l2"], ["xent"]), _ => task);
        var stage = plan.Stages.Single(s => s.Model == model && s.Kind == kind);
        return CostModel.Seconds(stage, plan.DataOf(stage));
    }

    [Fact]
    public void InputsLongerThanTheContextCountAsCutToIt()
    {
        // Half the inputs run far past the 128-token context and half are five characters: cut one by one, they average
        // about 65 tokens, as 281-character inputs do. Capping the mean length instead would count 128.
        var mixed = Texts("mixed", i => i % 2 == 0 ? string.Join(' ', Enumerable.Repeat("word", 2000)) + $" {i}" : $"x{i:D4}");
        var even = Texts("even", i => new string('w', 276) + $" {i:D4}");
        double ratio = Seconds(mixed, "minilm-l2", StageKind.Ceiling) / Seconds(even, "minilm-l2", StageKind.Ceiling);
        Assert.InRange(ratio, 0.85, 1.15);
    }

    [Fact]
    public void BagOfWordsCostGrowsWithItsFeaturesPerExample()
    {
        string[] words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
        string Sentence(int i, int length) => string.Join(' ', Enumerable.Range(0, length).Select(k => words[(i * 7 + k * 3) % words.Length])) + $" n{i}";
        double shortTexts = Seconds(Texts("short", i => Sentence(i, 2)), "bow", StageKind.Weak);
        double longTexts = Seconds(Texts("long", i => Sentence(i, 60)), "bow", StageKind.Weak);
        Assert.True(longTexts > 2 * shortTexts, $"bow on 60-word texts {longTexts:F2} s, on 2-word texts {shortTexts:F2} s");
    }

    [Fact]
    public void BagOfWordsIsCostedAsSolvedOnlyWhereItIsSolved()
    {
        var task = Texts("selected", i => $"w{i % 50} v{i % 7} n{i}");
        var plan = SweepPlan.Create(new SweepConfig([task.Name], ["bow", "minilm-l2"], ["xent"]), _ => task);
        var weak = plan.Stages.Single(s => s.Model == "bow" && s.Kind == StageKind.Weak);
        double Cost(StageSpec stage) => CostModel.Seconds(stage, plan.DataOf(weak));
        // Solved in closed form, the epoch count does not enter; with checkpoint selection bow trains for its epochs.
        Assert.Equal(Cost(weak with { Epochs = 2 }), Cost(weak with { Epochs = 20 }));
        var selected = weak with { Selection = CheckpointCriterion.WeakAgreement };
        Assert.True(Cost(selected with { Epochs = 20 }) > 2 * Cost(selected with { Epochs = 2 }));
    }

    [Fact]
    public void BagOfWordsRewardModelsAreCostedAsTrainedBySteps()
    {
        // On preference pairs bow is the inner model of a reward model, which trains by gradient steps for its epochs.
        Example Pair(int i) => new Preference("Describe the meal.", $"the {i} tasty meal", $"the {i} bland meal").ToExample();
        var task = new TaskData("pairs", PreferenceDataset.ClassNames, Enumerable.Range(0, 1000).Select(Pair).ToList(),
            Enumerable.Range(1000, 200).Select(Pair).ToList(), "tests", []) { Inputs = InputKinds.Preference };
        var plan = SweepPlan.Create(new SweepConfig([task.Name], ["bow", "minilm-l2"], ["xent"]), _ => task);
        var weak = plan.Stages.Single(s => s.Model == "bow" && s.Kind == StageKind.Weak);
        Assert.Equal(InputKinds.Preference, plan.DataOf(weak).Split.Inputs);
        Assert.True(CostModel.Seconds(weak with { Epochs = 20 }, plan.DataOf(weak)) > 2 * CostModel.Seconds(weak with { Epochs = 2 }, plan.DataOf(weak)));
    }
}
