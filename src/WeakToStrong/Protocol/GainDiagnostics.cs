using System.Runtime.CompilerServices;
using WeakToStrong.Data;
using WeakToStrong.Metrics;
using WeakToStrong.Models;

namespace WeakToStrong.Protocol;

/// <summary>
/// Why the student beats (or trails) its supervisor, per experiment: the misfit between the two (Charikar et al.), the
/// gain in 0/1 and in squared error, and the correction/expansion split of the student's fixes (Lang et al.). Null
/// fields could not be computed (MisfitOnB: a student stage cached before its predictions on B were kept).
/// </summary>
/// <param name="MisfitOnB">Mean squared distance between the student's probabilities on the inputs it was given (its part
/// of B, before any filter or held-out tenth) and their labels.</param>
/// <param name="MisfitOnTest">Mean squared distance between the student's and the weak model's probabilities on test.</param>
/// <param name="Gain">Weak test error minus student test error (0/1 loss): the student's accuracy gain.</param>
/// <param name="SquaredGain">Weak minus student squared-loss (Brier) error on test: the gain the misfit bounds.</param>
/// <param name="StudentFixes">Test examples the weak model gets wrong and the student right.</param>
/// <param name="StudentBreaks">Test examples the weak model gets right and the student wrong (Gain = (fixes − breaks) / test).</param>
public sealed record GainDiagnostics(
    double? MisfitOnB, double MisfitOnTest, double Gain, double SquaredGain, double WeakSquaredError, double StudentSquaredError,
    int StudentFixes, int StudentBreaks, CorrectionExpansion CorrectionExpansion)
{
    /// <summary>
    /// Computes the diagnostics. The evaluator reads B's ground truth here (for which weak labels were right), after the
    /// student has trained.
    /// </summary>
    /// <param name="trainedOn">The labels the student was given, in the order of <paramref name="student"/>'s TrainProbabilities.</param>
    internal static GainDiagnostics Of(ExperimentSplit split, StageOutput weak, StageOutput student, IReadOnlyList<float[]> trainedOn)
    {
        var truth = split.Test.Select(e => e.Label).ToList();
        var weakRight = weak.TestProbabilities.Select((p, i) => Accuracy.ArgMax(p) == truth[i]).ToArray();
        var studentRight = student.TestProbabilities.Select((p, i) => Accuracy.ArgMax(p) == truth[i]).ToArray();
        var fixes = Enumerable.Range(0, truth.Count).Where(i => !weakRight[i] && studentRight[i]).ToList();
        int breaks = Enumerable.Range(0, truth.Count).Count(i => weakRight[i] && !studentRight[i]);
        var bTruth = split.BWithGroundTruth.Select(e => e.Label).ToList();
        var weakRightOnB = weak.Labels!.Select((p, i) => Accuracy.ArgMax(p) == bTruth[i]).ToArray();
        var (testRows, bIndex) = Neighbourhoods.GetValue(split, Representation);
        double weakError = Misfit.SquaredError(weak.TestProbabilities, truth), studentError = Misfit.SquaredError(student.TestProbabilities, truth);
        return new GainDiagnostics(
            student.TrainProbabilities is { } onB && onB.Length == trainedOn.Count ? Misfit.Of(onB, trainedOn) : null,
            Misfit.Of(student.TestProbabilities, weak.TestProbabilities),
            (double)(fixes.Count - breaks) / truth.Count, weakError - studentError, weakError, studentError,
            fixes.Count, breaks, CorrectionExpansion.Of(fixes.Select(i => testRows[i]).ToList(), bIndex, weakRightOnB));
    }

    // A sweep assembles every experiment of a split with the same representation: built once per split.
    private static readonly ConditionalWeakTable<ExperimentSplit, Neighbourhood> Neighbourhoods = new();

    private sealed record Neighbourhood(IReadOnlyList<SparseRow> Test, NeighbourIndex B);

    /// <summary>
    /// The fixed representation neighbours are found in: `bow`'s L2-normalised TF-IDF vectors of words and bigrams, the
    /// IDF fitted on B. Fixed, so the split does not depend on which student was trained, and cheap on a CPU.
    /// </summary>
    private static Neighbourhood Representation(ExperimentSplit split)
    {
        using var bow = new BagOfWordsClassifier(split.Classes);
        var encodedB = split.BInputs.Select(bow.Encode).ToList();
        bow.Prepare(encodedB);
        return new Neighbourhood(split.Test.Select(e => bow.Features(bow.Encode(e.Input))).ToList(), new NeighbourIndex(encodedB.Select(bow.Features).ToList()));
    }
}
