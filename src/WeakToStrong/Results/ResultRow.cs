using WeakToStrong.Protocol;

namespace WeakToStrong.Results;

/// <summary>
/// One experiment in the results store: identity (task, seed, weak, strong, loss, variant, settings), the full
/// configuration as JSON, and the metrics. Only reproducible values: timings stay in the stored result JSON.
/// Settings is a short hash of everything else that shapes a result (epochs, batch, data sizes, ...), so sweeps with
/// different settings can share a folder without overwriting each other. AUROC is the macro one-vs-rest AUROC on tasks of
/// more than two classes.
/// </summary>
public sealed record ResultRow(
    string Task, int Seed, string Weak, string Strong, string Loss, string Variant, string Settings, string Method,
    double WeakAccuracy, double StudentAccuracy, double CeilingAccuracy, double Gap, double? Pgr, string? PgrUndefinedReason,
    double? WeakAuroc, double? StudentAuroc, double? CeilingAuroc, double? AurocPgr,
    double WeakLabelAccuracyOnB, double Agreement, double AgreementWhereWeakRight, double? AgreementWhereWeakWrong, int WeakWrongCount,
    string Chain, string LinkAccuracies, int StudentTrainExamples, int TrainA, int TrainB, int Test, double TestMajorityRate, string Config)
{
    public static ResultRow Of(ExperimentResult r, string variant)
    {
        var c = r.Config;
        var links = string.Join(";", r.BootstrapLinks.Select(l => $"{l.Model}:{l.TestAccuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}"));
        return new ResultRow(r.Data.Task, c.Seed, c.WeakModel, c.StrongModel, c.Loss, variant, SettingsOf(r), Sweeps.SweepCell.MethodName(c.Loss, variant),
            r.Weak.TestAccuracy, r.Student.TestAccuracy, r.Ceiling.TestAccuracy, r.Gap, r.Pgr, r.PgrUndefinedReason,
            r.Weak.TestAuroc, r.Student.TestAuroc, r.Ceiling.TestAuroc, r.AurocPgr,
            r.WeakLabelAccuracyOnB, r.StudentWeakAgreement.Overall, r.StudentWeakAgreement.WhereWeakRight, r.StudentWeakAgreement.WhereWeakWrong,
            r.StudentWeakAgreement.WeakWrongCount, c.Bootstrap ?? "", links, r.Student.TrainExamples, r.Data.TrainA, r.Data.TrainB, r.Data.Test,
            r.Data.TestMajorityRate, Compact(c))
        {
            MisfitOnB = r.Diagnostics?.MisfitOnB, MisfitOnTest = r.Diagnostics?.MisfitOnTest, Gain = r.Diagnostics?.Gain,
            SquaredGain = r.Diagnostics?.SquaredGain, Correction = r.Diagnostics?.CorrectionExpansion.Correction, Expansion = r.Diagnostics?.CorrectionExpansion.Expansion,
            Isolated = r.Diagnostics?.CorrectionExpansion.Isolated,
            WeakMembers = r.WeakMembers,
        };
    }

    // The diagnostics of GainDiagnostics (null in rows stored before they existed).
    public double? MisfitOnB { get; init; }
    public double? MisfitOnTest { get; init; }
    public double? Gain { get; init; }
    public double? SquaredGain { get; init; }
    public int? Correction { get; init; }
    public int? Expansion { get; init; }
    public int? Isolated { get; init; }

    /// <summary>A weak ensemble's members, as in the result (null for a single weak model).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EnsembleMemberResult>? WeakMembers { get; init; }

    /// <summary>Hash of the configuration without its identity fields, plus the data sizes.</summary>
    internal static string SettingsOf(ExperimentResult r)
    {
        var rest = r.Config with { WeakModel = "", StrongModel = "", Loss = "", Seed = 0, Bootstrap = null, GenerativeFinetuning = false, Gold = null, StrongToStrong = 0, Probe = null };
        var text = Compact(rest) + $"|{r.Data.TrainA}|{r.Data.TrainB}|{r.Data.Test}";
        return Hashing.Sha256Hex(text, 4);
    }

    private static string Compact<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, CompactOptions);

    private static readonly System.Text.Json.JsonSerializerOptions CompactOptions = new(Json.Options) { WriteIndented = false };
}

/// <summary>One ground-truth stage in the results store: a model trained on A (role weak) or on B (role ceiling).</summary>
public sealed record GroundTruthRow(
    string Task, int Seed, string Model, string Role, bool Generative, double TestAccuracy, double? TestAuroc, double TestCalibrationError,
    int TrainExamples, double LearningRate, string StageKey)
{
    public static GroundTruthRow Of(StageSpec stage, ModelResult r) =>
        new(stage.Task, stage.Seed, stage.Model, stage.Kind.ToString().ToLowerInvariant(), stage.Generative, r.TestAccuracy, r.TestAuroc,
            r.TestCalibrationError, r.TrainExamples, r.LearningRate, stage.Key);
}
