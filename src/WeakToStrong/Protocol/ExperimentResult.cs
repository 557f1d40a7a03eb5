namespace WeakToStrong.Protocol;

/// <summary>Test accuracy of one trained model, with how it was trained.</summary>
public sealed record ModelResult(
    string Role, string Model, string TrainedOn, string Loss, double LearningRate,
    double TestAccuracy, double TestStandardError, int TrainExamples, int Steps, double TrainSeconds);

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
    double StudentAgreementWithWeakOnTest,
    double Gap,
    double? Pgr,
    string? PgrUndefinedReason,
    double TotalSeconds);
