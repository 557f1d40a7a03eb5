using WeakToStrong.Data.Sources;

namespace WeakToStrong.Data.Tasks;

/// <summary>
/// pref-reviews: two Amazon fine-food reviews, the one rated great (5 stars) preferred over one rated lower. The R package
/// modeldata holds one review per product, so the two reviews are of different products: the reward model learns what
/// makes a review glowing, not which product is better. Reviews are used once; test reviews never occur in training.
/// </summary>
internal sealed class PreferenceReviewsTask : TaskBuilder
{
    private readonly FineFoodReviewsTask reviews = new();

    public override string Name => "pref-reviews";
    public override string Description => "Which of two fine-food reviews was rated great (5 stars) rather than lower?";
    public override string[] ClassNames => PreferenceDataset.ClassNames;
    public override string Inputs => InputKinds.Preference;
    public override bool Shipped => false;
    public override string DataLicence => reviews.DataLicence;
    public override IReadOnlyList<SourcePackage> Sources => reviews.Sources;

    public override BuiltTask Build()
    {
        // The single-review task's split keeps its test reviews apart; pair within each side.
        var single = new FineFoodReviewsTask { TestPerClass = 2 * TestPerClass, MaxTrainPerClass = 2 * MaxTrainPerClass }.Build();
        var notes = single.Notes.ToList();
        var train = Pairs(single.Train, "train");
        var test = Pairs(single.Test, "test");
        notes.Add($"pairs: {train.Count} training, {test.Count} test (each review used once; great preferred over other)");
        return new BuiltTask(train, test, notes);
    }

    private List<TaskRow> Pairs(IReadOnlyList<TaskRow> rows, string side)
    {
        var great = rows.Where(r => r.Label == 1).ToList();
        var other = rows.Where(r => r.Label == 0).ToList();
        var rng = new SeededRandom(Seed, $"{Name}/{side}");
        rng.Shuffle(great);
        rng.Shuffle(other);
        return great.Zip(other, (g, o) =>
        {
            var example = new Preference(null, g.Text, o.Text).ToExample();
            return new TaskRow($"{g.Id}>{o.Id}", example.Input.Text, example.Input.TextPair, example.Label);
        }).ToList();
    }
}
