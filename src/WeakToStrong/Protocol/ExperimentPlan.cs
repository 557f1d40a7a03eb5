using WeakToStrong.Metrics;

namespace WeakToStrong.Protocol;

/// <summary>
/// One experiment as stages (<see cref="Experiment.Plan"/> makes it): weak supervisor (A, ground truth) → optional
/// bootstrapping links → student (weak labels); ceiling (B, ground truth). Stages of different experiments with equal
/// specs are the same stage.
/// </summary>
public sealed record ExperimentPlan(ExperimentConfig Config, StageSpec Weak, IReadOnlyList<StageSpec> Links, StageSpec Student, StageSpec Ceiling)
{
    /// <summary>A weak ensemble's member stages (Weak is then the ensemble stage); empty for a single weak model.</summary>
    public IReadOnlyList<StageSpec> Members { get; init; } = [];

    /// <summary>Strong-to-strong rounds before the final Student, first round (trained on the weak labels) first; empty without them.</summary>
    public IReadOnlyList<StageSpec> Rounds { get; init; } = [];

    /// <summary>In the order they can run (every stage after its labeller).</summary>
    public IReadOnlyList<StageSpec> Stages => [.. Members, Weak, .. Links, .. Rounds, Student, Ceiling];

    /// <summary>
    /// The experiment's result from its finished stages. The evaluator (not the student) reads B's ground truth here to
    /// score the weak labels.
    /// </summary>
    internal ExperimentResult Assemble(ExperimentSplit split, DataReport data, Func<StageSpec, StageOutput> outputs)
    {
        var weak = outputs(Weak);
        var student = outputs(Student);
        var ceiling = outputs(Ceiling);
        var links = Links.Select(l => outputs(l).Result).ToList();
        var bTruth = split.BWithGroundTruth.Select(e => e.Label).ToList();
        var weakOnB = Accuracy.Of(weak.Labels!, bTruth).Value;
        var agreement = Agreement(student.TestProbabilities, weak.TestProbabilities, split.Test.Select(e => e.Label).ToList());
        var pgr = Pgr.Of(weak.Result.TestAccuracy, student.Result.TestAccuracy, ceiling.Result.TestAccuracy, Config.MinGap);
        double seconds = Stages.Sum(s => outputs(s).Seconds);
        return new ExperimentResult(Config, data, weak.Result, student.Result, ceiling.Result, weakOnB, agreement, student.DroppedByFilter,
            links, pgr.Gap, pgr.Value, pgr.UndefinedReason, seconds)
        {
            WeakLabels = ProbabilitySpread.Of(weak.Labels!.Select(p => (double)p[^1])),
            WeakMembers = Members.Count == 0 ? null : Members.Select(m => new EnsembleMemberResult(m.Model, m.Resample,
                outputs(m).Result.TestAccuracy, Accuracy.Of(outputs(m).Labels!, bTruth).Value)).ToList(),
            StudentRounds = Rounds.Count == 0 ? null : Rounds.Select(r => outputs(r).Result).ToList(),
            // Against the weak labels, also after strong-to-strong rounds (the first round's labels).
            Diagnostics = GainDiagnostics.Of(split, weak, student, StageTraining.LabelsFor(Rounds.Count > 0 ? Rounds[0] : Student, split, outputs).Labels.Select(l => l.Probabilities).ToList()),
        };
    }

    /// <summary>The paper's imitation analysis: student-supervisor agreement on test, split by whether the supervisor was right.</summary>
    private static AgreementAnalysis Agreement(float[][] student, float[][] weak, IReadOnlyList<int> truth)
    {
        var agree = student.Zip(weak, (s, w) => Accuracy.ArgMax(s) == Accuracy.ArgMax(w)).ToArray();
        var weakRight = weak.Select((w, i) => Accuracy.ArgMax(w) == truth[i]).ToArray();
        double? Share(bool right) =>
            weakRight.Any(r => r == right) ? agree.Where((_, i) => weakRight[i] == right).Average(a => a ? 1.0 : 0.0) : null;
        return new AgreementAnalysis(agree.Average(a => a ? 1.0 : 0.0), Share(true) ?? 0, Share(false), weakRight.Count(r => !r));
    }
}
