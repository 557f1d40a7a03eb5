using WeakToStrong.Training;

namespace WeakToStrong.Protocol;

/// <summary>Test accuracy of one trained model, with how it was trained.</summary>
public sealed record ModelResult(
    string Role, string Model, string TrainedOn, string Loss, double LearningRate,
    double TestAccuracy, double TestStandardError, double? TestAuroc, double TestCalibrationError,
    int TrainExamples, int Steps, double TrainSeconds, SelectedCheckpoint? Checkpoint = null);

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
    /// <summary>PGR of the test AUROCs (see <see cref="Metrics.Pgr.OfAuroc"/>); null where undefined. Derived, so results saved before it existed have it too.</summary>
    public double? AurocPgr => Metrics.Pgr.OfAuroc(Weak.TestAuroc, Student.TestAuroc, Ceiling.TestAuroc, Config.MinGap)?.Value;
}
