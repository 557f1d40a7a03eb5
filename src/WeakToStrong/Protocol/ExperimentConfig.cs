namespace WeakToStrong.Protocol;

/// <summary>One weak-to-strong experiment: a weak and a strong model, a loss for the student, a seed.</summary>
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
    bool Bf16 = false,
    // Training batches of similar length (less padding).
    bool GroupByLength = false,
    // Null: each model's own floor (ModelSpec.MinSteps).
    int? MinSteps = null)
{
    /// <summary>The configuration with every default made explicit (learning rates), so a stored config says exactly what ran.</summary>
    public ExperimentConfig Resolved() => this with
    {
        WeakLearningRate = WeakLearningRate ?? Models.ModelCatalog.Get(WeakModel).DefaultLearningRate,
        StrongLearningRate = StrongLearningRate ?? Models.ModelCatalog.Get(StrongModel).DefaultLearningRate,
    };

    /// <summary>The intermediate models of a bootstrapping chain (comma-separated in Bootstrap), weakest first.</summary>
    public IReadOnlyList<string> BootstrapChain() =>
        string.IsNullOrWhiteSpace(Bootstrap) ? [] : Bootstrap.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Train the student only on confident weak labels: drop examples whose top weak probability lies in [Low, High].</summary>
public sealed record ConfidenceFilter(double Low, double High)
{
    public bool Drops(float[] probabilities) => probabilities.Max() is var top && top >= Low && top <= High;
}
