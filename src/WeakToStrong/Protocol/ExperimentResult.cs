using WeakToStrong.Training;

namespace WeakToStrong.Protocol;

/// <summary>Test accuracy of one trained model, with how it was trained.</summary>
public sealed record ModelResult(
    string Role, string Model, string TrainedOn, string Loss, double LearningRate,
    double TestAccuracy, double TestStandardError, double? TestAuroc, double TestCalibrationError,
    int TrainExamples, int Steps, double TrainSeconds, SelectedCheckpoint? Checkpoint = null)
{
    /// <summary>A model that predicts one class for this share of the test set or more is flagged as collapsed.</summary>
    public const double CollapseShare = 0.95;

    /// <summary>Whole epochs trained (0 for a model solved in closed form, see <see cref="Solver"/>).</summary>
    public int Epochs { get; init; }

    /// <summary>The training loss at the end: the last batch's for gradient training, the objective's optimum for a solver.</summary>
    public double? FinalTrainLoss { get; init; }

    /// <summary>Mean training loss over each tenth of the steps: whether the run reached its plateau.</summary>
    public IReadOnlyList<double>? LossCurve { get; init; }

    /// <summary>For `bow`: the L2 strength cross-validation chose, the CV loss, and how well the solver converged.</summary>
    public Models.SolverReport? Solver { get; init; }

    /// <summary>The share of test examples given the most often predicted class.</summary>
    public double? TopClassShare { get; init; }

    /// <summary>Predicts one class for at least <see cref="CollapseShare"/> of the test set.</summary>
    public bool Collapsed => TopClassShare >= CollapseShare;

    // Value equality over the lists too (a cached result equals a fresh one): compare the serialized form.
    public bool Equals(ModelResult? other) => other is not null && Results.Json.Serialize(this) == Results.Json.Serialize(other);

    public override int GetHashCode() => HashCode.Combine(Role, Model, TestAccuracy, Steps);
}

/// <summary>
/// The paper's imitation analysis on the test set: how often the student agrees with the supervisor where the supervisor
/// was right, and where it was wrong (agreeing there means copying its mistakes).
/// </summary>
public sealed record AgreementAnalysis(double Overall, double WhereWeakRight, double? WhereWeakWrong, int WeakWrongCount);

/// <summary>Sizes and what the data preparation changed, so nothing is dropped silently.</summary>
public sealed record DataReport(
    string Task, int Classes, string[] ClassNames, int TrainA, int TrainB, int Test, double TestMajorityRate,
    IReadOnlyList<string> Notes);

/// <summary>Everything one experiment measured.</summary>
public sealed record ExperimentResult(
    ExperimentConfig Config,
    DataReport Data,
    ModelResult Weak,
    ModelResult Student,
    ModelResult Ceiling,
    double WeakLabelAccuracyOnB,
    AgreementAnalysis StudentWeakAgreement,
    int StudentTrainDroppedByConfidenceFilter,
    IReadOnlyList<ModelResult> BootstrapLinks,
    double Gap,
    double? Pgr,
    string? PgrUndefinedReason,
    double TotalSeconds)
{
    /// <summary>The weak labels the student learned from: spread of the supervisor's probability of the last class on B.</summary>
    public ProbabilitySpread? WeakLabels { get; init; }

    /// <summary>A weak ensemble's members (null for a single weak model): Weak is then the ensemble.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EnsembleMemberResult>? WeakMembers { get; init; }

    /// <summary>The students of the strong-to-strong rounds before the final one (null without rounds); Student is the last round's.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ModelResult>? StudentRounds { get; init; }

    /// <summary>Misfit, gain and the correction/expansion split (null in results saved before they existed).</summary>
    public GainDiagnostics? Diagnostics { get; init; }

    /// <summary>What a reader should not miss: models that collapsed to one class.</summary>
    public IReadOnlyList<string> Warnings => [.. new[] { Weak }.Concat(BootstrapLinks).Concat([Student, Ceiling])
        .Where(m => m.Collapsed)
        .Select(m => $"the {m.Role} ({m.Model}) predicts one class for {m.TopClassShare * 100:F1}% of the test set: it has collapsed, and its accuracy says little")];

    /// <summary>PGR of the test AUROCs (see <see cref="Metrics.Pgr.OfAuroc"/>); null where undefined. Derived, so results saved before it existed have it too.</summary>
    public double? AurocPgr => Metrics.Pgr.OfAuroc(Weak.TestAuroc, Student.TestAuroc, Ceiling.TestAuroc, Config.MinGap)?.Value;
}

/// <summary>Mean and standard deviation of a set of probabilities.</summary>
public sealed record ProbabilitySpread(double Mean, double StandardDeviation)
{
    public static ProbabilitySpread Of(IEnumerable<double> values)
    {
        var v = values.ToList();
        double mean = v.Average();
        return new ProbabilitySpread(mean, Math.Sqrt(v.Average(x => (x - mean) * (x - mean))));
    }
}
