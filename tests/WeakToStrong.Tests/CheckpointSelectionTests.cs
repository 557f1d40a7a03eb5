using WeakToStrong.Data;
using WeakToStrong.Protocol;

namespace WeakToStrong.Tests;

public class CheckpointSelectionTests
{
    private static (ExperimentSplit, DataReport) Task()
    {
        var (split, report) = TaskPreparation.Prepare(BuiltinTasks.Load(BuiltinTasks.DefaultTask), seed: 2, maxTrain: 400, maxTest: 200);
        return (split, report);
    }

    [Fact]
    public void OracleSelectionNeverScoresBelowTheFinalCheckpointAndSaysSo()
    {
        var (split, report) = Task();
        // A student trained by gradient steps either way (the default bow is solved by L-BFGS when no selection is asked),
        // so both runs follow the same trajectory and the oracle picks among its checkpoints, the last one included.
        var student = Sweeps.SweepFixtures.CheapLadder()[1];
        var final = Experiment.Run(split, report, new ExperimentConfig("bow", student, Seed: 2)).Result;
        var oracle = Experiment.Run(split, report, new ExperimentConfig("bow", student, Seed: 2, Selection: CheckpointCriterion.OracleTestAccuracy)).Result;
        var cp = oracle.Student.Checkpoint!;
        Assert.Contains("ORACLE", cp.Criterion);
        Assert.Equal(oracle.Student.TestAccuracy, cp.Score, 10); // the kept checkpoint is the one that scored
        Assert.True(oracle.Student.TestAccuracy >= final.Student.TestAccuracy);
        Assert.InRange(cp.Step, 1, oracle.Student.Steps);
        Assert.Null(final.Student.Checkpoint);
    }

    [Fact]
    public void WeakAgreementSelectionHoldsOutATenthOfTheWeakLabels()
    {
        var (split, report) = Task();
        var result = Experiment.Run(split, report, new ExperimentConfig("bow", "bow", Seed: 2, Selection: CheckpointCriterion.WeakAgreement)).Result;
        Assert.Equal(split.BInputs.Count - split.BInputs.Count / 10, result.Student.TrainExamples);
        Assert.Contains("weak labels", result.Student.Checkpoint!.Criterion);
        Assert.Equal(split.BInputs.Count, result.Ceiling.TrainExamples); // the ceiling is not affected
    }
}
