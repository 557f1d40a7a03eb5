using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeakToStrong.Protocol;

/// <summary>The kinds of training stage the protocol is made of.</summary>
public enum StageKind
{
    /// <summary>A model trained on half A with ground truth: scored on test, and labels half B as a weak supervisor.</summary>
    Weak,

    /// <summary>A model trained on half B with ground truth: the ceiling of that model.</summary>
    Ceiling,

    /// <summary>A bootstrapping link: trained on the previous labeller's labels of one slice of B, labels the next slice.</summary>
    Link,

    /// <summary>The strong student: trained on a labeller's (weak) labels only.</summary>
    Student,

    /// <summary>A weak ensemble: no training, the mean of its member weak stages' probabilities (<see cref="WeakEnsemble"/>).</summary>
    Ensemble,
}

/// <summary>
/// Everything that determines one stage's result: the data (task name and <see cref="DataHash"/>, a hash of the split's content), the model and
/// how it trains, and for label-fed stages the upstream stage whose labels it learns from. Two equal specs give the same
/// result, so a spec's <see cref="Key"/> addresses its result in a cache and lets experiments share stages (one weak
/// supervisor serves every larger student; one ceiling serves every weak model).
/// The later fields are off by default and enter the key only when set, so keys of experiments without them stay as they were:
/// Members (an ensemble stage's weak stages), Resample (a weak stage trained on the r-th bootstrap resample of A, for
/// bagging), Gold (the student's gold-label budget), Probe (the student's embedding probe), Bf16Kernels (which bf16 path a
/// bf16 stage runs: the two round differently).
/// </summary>
public sealed record StageSpec(
    StageKind Kind,
    string Task,
    [property: JsonPropertyName("data")] string DataHash, // stored as "data", so existing cache entries and manifests still read
    int Seed,
    string Model,
    string Loss,
    double LearningRate,
    int Epochs,
    int BatchSize,
    int MicroBatchSize,
    bool LinearProbe,
    bool Generative,
    bool GenerativeIncludesTestInputs,
    ConfidenceFilter? Filter,
    StageSpec? Labeller,
    int Slice,
    int Slices,
    CheckpointCriterion Selection = CheckpointCriterion.Final,
    bool Bf16 = false,
    bool GroupByLength = false,
    int MinSteps = 0,
    IReadOnlyList<StageSpec>? Members = null,
    int Resample = 0,
    GoldBudget? Gold = null,
    ProbeUse? Probe = null,
    string? Bf16Kernels = null)
{
    /// <summary>Bump when a change to the stage code changes results, so old cache entries stop matching.</summary>
    public const string CodeVersion = "stages-4";

    /// <summary>
    /// A stage of <paramref name="config"/>'s experiment that trains <paramref name="model"/> with <paramref name="loss"/>
    /// (learning rate: the given one, else the model's own), on its own (no labeller, no slices, no genft, no filter).
    /// </summary>
    public static StageSpec Of(StageKind kind, string task, string data, ExperimentConfig config, Models.ModelSpec model, string loss,
        double? learningRate)
    {
        bool bf16 = config.UsesBf16 && IsText(model);
        return new(kind, task, data, config.Seed, model.Name, loss, learningRate ?? model.DefaultLearningRate, config.Epochs, config.BatchSize,
            config.MicroBatchSize, LinearProbe: model.LinearProbe(config.LinearProbe), Generative: false, GenerativeIncludesTestInputs: false,
            Filter: null, Labeller: null, Slice: 0, Slices: 1, Bf16: bf16, GroupByLength: config.GroupByLength && IsText(model),
            MinSteps: config.MinSteps ?? model.MinSteps, Bf16Kernels: bf16 ? Models.Bf16Kernels.Current : null);
    }

    // Chess boards and images have one size (nothing to group by length) and their models compute in float32 whatever
    // the setting: their stages keep the plain path, on which docs/chess.md and the vision tables were measured.
    private static bool IsText(Models.ModelSpec model) => model.Inputs == Data.InputKinds.Text;

    /// <summary>The stages whose outputs this one reads: its labeller, or an ensemble's members.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<StageSpec> Upstream => Labeller is { } labeller ? [labeller, .. Members ?? []] : Members ?? [];

    /// <summary>SHA-256 of the canonical JSON of the spec; the upstream stage enters by its own key.</summary>
    public string Key => Results.Hashing.Sha256Hex(CanonicalJson());

    /// <summary>Compact JSON with a fixed field order: the exact text that is hashed.</summary>
    public string CanonicalJson()
    {
        var json = JsonSerializer.Serialize(new
        {
            version = CodeVersion, kind = Kind.ToString(), task = Task, data = DataHash, seed = Seed, model = Model, loss = Loss,
            lr = LearningRate, epochs = Epochs, batch = BatchSize, microBatch = MicroBatchSize, linearProbe = LinearProbe,
            generative = Generative, generativeTest = GenerativeIncludesTestInputs, filter = Filter is null ? null : new[] { Filter.Low, Filter.High },
            labeller = Labeller?.Key, slice = Slice, slices = Slices, selection = Selection.ToString(), bf16 = Bf16, minSteps = MinSteps,
            groupByLength = GroupByLength,
        });
        // Fields added later: appended only when set.
        var extra = new List<string>();
        if (Members is not null) extra.Add($"\"members\":{JsonSerializer.Serialize(Members.Select(m => m.Key))}");
        if (Resample != 0) extra.Add($"\"resample\":{Resample}");
        if (Gold is not null)
            extra.Add($"\"gold\":{(Gold.Use == GoldUse.Platt
                ? JsonSerializer.Serialize(new { k = Gold.Count, use = Gold.Use.ToString(), fit = PlattMap.FitVersion })
                : JsonSerializer.Serialize(new { k = Gold.Count, use = Gold.Use.ToString() }))}");
        if (Probe is { } probe) extra.Add($"\"probe\":\"{probe}\"");
        if (Bf16Kernels is { } kernels) extra.Add($"\"bf16Kernels\":\"{kernels}\"");
        return extra.Count == 0 ? json : json[..^1] + "," + string.Join(",", extra) + "}";
    }

    /// <summary>
    /// Whether this stage fits its model in closed form instead of training it for epochs: a model that can be (bow), on
    /// single texts (a reward model scores pairs and trains by steps), under cross-entropy, with no checkpoint to select.
    /// StageTraining fits such stages, and CostModel prices them so.
    /// </summary>
    public bool FitsInClosedForm(Models.ModelSpec model) =>
        model.ClosedForm && model.Inputs == Data.InputKinds.Text && Loss == "xent"
        && Selection == CheckpointCriterion.Final && Gold?.Use != GoldUse.Select;

    /// <summary>A model trained on all of its half's ground truth (weak or ceiling): the ground-truth curve of a model. Bagged copies are not.</summary>
    public bool IsModelOnGroundTruth() => Kind is StageKind.Weak or StageKind.Ceiling && Resample == 0;

    /// <summary>A student's strong-to-strong round: 0 for a student of weak labels, k for one trained on round k − 1's labels.</summary>
    public int StudentRound() => Kind == StageKind.Student && Labeller is { Kind: StageKind.Student } previous ? previous.StudentRound() + 1 : 0;

    /// <summary>A short human-readable name, e.g. "student bow→minilm-l2 logconf (seed 1)".</summary>
    public string Describe()
    {
        string upstream = Labeller is null ? "" : $"{Labeller.Model}→";
        string extras = (Generative ? " genft" : "") + (Slices > 1 ? $" slice {Slice + 1}/{Slices}" : "") + (Filter is null ? "" : " filtered") +
            (Selection == CheckpointCriterion.Final ? "" : $" select:{Selection}") +
            (Resample > 0 ? $" bag {Resample}" : "") + (StudentRound() > 0 ? $" s2s round {StudentRound()}" : "") + (Gold is null ? "" : $" gold {Gold.Count} {Gold.Use.ToString().ToLowerInvariant()}") +
            (Probe is { } p ? $" probe {p.ToString().ToLowerInvariant()}" : "");
        string loss = Kind is StageKind.Student or StageKind.Link ? $" {Loss}" : "";
        return $"{Kind.ToString().ToLowerInvariant()} {upstream}{Model}{loss}{extras} ({Task}, seed {Seed})";
    }
}
