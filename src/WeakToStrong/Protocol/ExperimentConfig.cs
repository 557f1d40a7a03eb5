namespace WeakToStrong.Protocol;

/// <summary>
/// One weak-to-strong experiment: a weak and a strong model, a loss for the student, a seed. WeakModel may name an
/// ensemble (<see cref="WeakEnsemble"/>, e.g. "bow+minilm-l1" or "bag5:bow"). The options added later (Gold, StrongToStrong, Probe) are left out
/// of the stored JSON when off, so configurations without them hash as before.
/// </summary>
public sealed record ExperimentConfig(
    string WeakModel = "bow",
    string StrongModel = "minilm-l6",
    string Loss = "xent",
    int Seed = 0,
    int Epochs = 2,
    int BatchSize = 32,
    int MicroBatchSize = 32,
    double? WeakLearningRate = null,
    double? StrongLearningRate = null,
    bool LinearProbe = false,
    double MinGap = Metrics.Pgr.DefaultMinGap,
    ConfidenceFilter? FilterConfident = null,
    string? Bootstrap = null,
    bool GenerativeFinetuning = false,
    bool GenerativeIncludesTestInputs = false,
    CheckpointCriterion Selection = CheckpointCriterion.Final,
    // Null: bf16 where the CPU does bf16 natively (Models.Bf16Support.IsDefault), else float32. Same accuracy within seed noise
    // (docs/performance.md), about twice as fast.
    bool? Bf16 = null,
    // Training batches of similar length (less padding).
    bool GroupByLength = true,
    // The step floor of the stages trained on ground truth (weak, ceiling), so they reach their plateau on small sets.
    // Null: each model's own floor (ModelSpec.MinSteps).
    int? MinSteps = null,
    // The step floor of the stages trained on labels (students, bootstrap links). 0: the configured epochs, as the paper;
    // longer, they fit their supervisor's mistakes (docs/methods.md, "Training budget").
    int StudentMinSteps = 0,
    // K ground-truth labels of half B for the student, and how it uses them (GoldBudget).
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    GoldBudget? Gold = null,
    // Strong-to-strong rounds: the student relabels its part of B and a fresh student trains on those labels, this many times.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    int StrongToStrong = 0,
    // A kNN probe on the student's pretrained embeddings relabels or filters the weak labels (EmbeddingProbe).
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    ProbeUse? Probe = null)
{
    /// <summary>The configuration with every default made explicit (learning rates), so a stored config says exactly what ran.</summary>
    public ExperimentConfig Resolved() => this with
    {
        Bf16 = UsesBf16,
        // An ensemble's members each keep their own rate unless one is given.
        WeakLearningRate = WeakLearningRate ?? (Ensemble is null ? Models.ModelCatalog.Get(WeakModel).DefaultLearningRate : null),
        StrongLearningRate = StrongLearningRate ?? Models.ModelCatalog.Get(StrongModel).DefaultLearningRate,
    };

    /// <summary>Whether the transformer matmuls run in bf16: as set, else where this CPU runs them fast.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool UsesBf16 => Bf16 ?? Models.Bf16Support.IsDefault;

    /// <summary>The weak ensemble WeakModel names, or null for a single weak model.</summary>
    internal WeakEnsemble? Ensemble => WeakEnsemble.Parse(WeakModel);

    /// <summary>The intermediate models of a bootstrapping chain (comma-separated in Bootstrap), weakest first.</summary>
    public IReadOnlyList<string> BootstrapChain() =>
        string.IsNullOrWhiteSpace(Bootstrap) ? [] : Bootstrap.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Train the student only on confident weak labels: drop examples whose top weak probability lies in [Low, High].</summary>
public sealed record ConfidenceFilter(double Low, double High)
{
    public bool Drops(float[] probabilities) => probabilities.Max() is var top && top >= Low && top <= High;
}
