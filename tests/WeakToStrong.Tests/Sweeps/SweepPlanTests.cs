using WeakToStrong.Protocol;
using WeakToStrong.Sweeps;

namespace WeakToStrong.Tests.Sweeps;

public class SweepPlanTests
{
    private static SweepPlan Plan(int bootstrap = 0, bool genft = false) => SweepPlan.Create(
        new SweepConfig(["synthetic"], ["minilm-l3", "bow", "minilm-l1", "minilm-l2"], ["xent", "logconf"], Seeds: 2, Bootstrap: bootstrap, Generative: genft),
        _ => SweepFixtures.Synthetic());

    [Fact]
    public void FourModelLadderTwoLossesTwoSeedsPlansEachGroundTruthRunOnceAndEveryPair()
    {
        var plan = Plan();
        Assert.Equal(["bow", "minilm-l1", "minilm-l2", "minilm-l3"], plan.Ladder); // ladder order, whatever the order given
        Assert.Equal(6 * 2 * 2, plan.Cells.Count); // 6 pairs × 2 losses × 2 seeds
        int Count(StageKind kind) => plan.Stages.Count(s => s.Kind == kind);
        Assert.Equal(3 * 2, Count(StageKind.Weak));     // every model with a larger one, per seed
        Assert.Equal(4 * 2, Count(StageKind.Ceiling));  // every model, per seed
        Assert.Equal(12 * 2, Count(StageKind.Student)); // pairs × losses, per seed
        Assert.Equal(38, plan.Stages.Count);
        Assert.Equal(plan.Stages.Count, plan.Stages.Select(s => s.Key).Distinct().Count());

        // Sharing: one weak stage serves every larger student, one ceiling every weak model.
        var bowStudents = plan.Cells.Where(c => c.Seed == 0 && c.Plan.Config.WeakModel == "bow").ToList();
        Assert.Equal(6, bowStudents.Count);
        Assert.Single(bowStudents.Select(c => c.Plan.Weak.Key).Distinct());
        Assert.Single(plan.Cells.Where(c => c.Seed == 1 && c.Plan.Config.StrongModel == "minilm-l3").Select(c => c.Plan.Ceiling.Key).Distinct());
        // Seeds differ in data and training: no stage is shared across seeds.
        Assert.Empty(plan.Stages.Where(s => s.Seed == 0).Select(s => s.Key).Intersect(plan.Stages.Where(s => s.Seed == 1).Select(s => s.Key)));
        // Every stage comes after its labeller.
        var seen = new HashSet<string>();
        foreach (var s in plan.Stages)
        {
            if (s.Labeller is not null) Assert.Contains(s.Labeller.Key, seen);
            seen.Add(s.Key);
        }
        Assert.All(plan.Stages, s => Assert.True(CostModel.Seconds(s, plan.DataOf(s)) > 0));
    }

    [Fact]
    public void BootstrappingAddsChainsThroughIntermediateModels()
    {
        var plan = Plan(bootstrap: 2);
        var chains = plan.Cells.Where(c => c.Variant == SweepCell.Bootstrapped && c.Seed == 0 && c.Plan.Config.Loss == "xent")
            .ToDictionary(c => (c.Plan.Config.WeakModel, c.Plan.Config.StrongModel), c => c.Plan.Links.Select(l => l.Model).ToArray());
        Assert.Equal(3, chains.Count); // pairs with a model between them
        Assert.Equal(["minilm-l1"], chains[("bow", "minilm-l2")]);
        Assert.Equal(["minilm-l1", "minilm-l2"], chains[("bow", "minilm-l3")]);
        Assert.Equal(["minilm-l2"], chains[("minilm-l1", "minilm-l3")]);
        var longest = plan.Cells.First(c => c.Variant == SweepCell.Bootstrapped && c.Plan.Links.Count == 2);
        Assert.Equal(StageKind.Weak, longest.Plan.Links[0].Labeller!.Kind);
        Assert.Equal(longest.Plan.Links[0].Key, longest.Plan.Links[1].Labeller!.Key);
        Assert.Equal(longest.Plan.Links[1].Key, longest.Plan.Student.Labeller!.Key);
        Assert.Equal((2, 3), (longest.Plan.Student.Slice, longest.Plan.Student.Slices));
        Assert.Equal(38 + (4 + 3) * 2 * 2, plan.Stages.Count); // + 4 links and 3 students per loss and seed
    }

    [Fact]
    public void GenerativeFinetuningAddsVariantsForTransformerStudentsAndTheirCeilings()
    {
        var plan = Plan(genft: true);
        Assert.Equal(12 * 2, plan.Cells.Count(c => c.Variant == SweepCell.Genft)); // every pair has a transformer student
        Assert.Equal(3 * 2, plan.Stages.Count(s => s.Kind == StageKind.Ceiling && s.Generative));
        Assert.DoesNotContain(plan.Stages, s => s.Generative && s.Model == "bow");
        Assert.All(plan.Cells.Where(c => c.Variant == SweepCell.Genft), c => Assert.False(c.Plan.Weak.Generative));
    }

    [Fact]
    public void StageKeysChangeWithAnythingThatAffectsTheResult()
    {
        var plan = Plan();
        var stage = plan.Stages.First(s => s.Kind == StageKind.Student);
        Assert.Equal(stage.Key, (stage with { }).Key);
        Assert.NotEqual(stage.Key, (stage with { LearningRate = stage.LearningRate * 2 }).Key);
        Assert.NotEqual(stage.Key, (stage with { DataHash = "other" }).Key);
        Assert.NotEqual(stage.Key, (stage with { Labeller = stage.Labeller! with { Epochs = 3 } }).Key); // upstream enters by its key
        Assert.ThrowsAny<ArgumentException>(() => SweepPlan.Create(new SweepConfig(["synthetic"], ["bow"], ["xent"]), _ => SweepFixtures.Synthetic()));
        Assert.ThrowsAny<ArgumentException>(() => SweepPlan.Create(new SweepConfig(["synthetic"], ["bow", "minilm-l1"], ["magic"]), _ => SweepFixtures.Synthetic()));
    }
}
