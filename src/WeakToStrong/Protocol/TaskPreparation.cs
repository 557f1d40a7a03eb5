using WeakToStrong.Data;

namespace WeakToStrong.Protocol;

/// <summary>From a loaded task to the protocol's three sets: balance (as the paper does), split A/B/test, report every change.</summary>
public static class TaskPreparation
{
    public static (ExperimentSplit Split, DataReport Report) Prepare(TaskData task, int seed, int? maxTrain = null, int? maxTest = null)
    {
        var notes = new List<string>(task.Notes);
        var (pool, poolReport) = Balancer.Balance(task.Train, seed);
        if (poolReport.Applied) notes.Add($"training pool {poolReport}");
        IReadOnlyList<Example>? test = task.Test;
        if (test is not null)
        {
            var (balancedTest, testReport) = Balancer.Balance(test, seed);
            if (testReport.Applied) notes.Add($"test set {testReport}");
            test = balancedTest;
        }
        var split = Splitter.Split(pool, test, new SplitOptions(seed, MaxTrain: maxTrain, MaxTest: maxTest));
        if (split.A.Count == 0 || split.B.Count == 0 || split.Test.Count == 0)
            throw new UserInputException(task.Name, $"too few examples to split: half A {split.A.Count}, half B {split.B.Count}, test {split.Test.Count} " +
                                                    $"(from {task.Train.Count} training{(task.Test is null ? "" : $" and {task.Test.Count} test")} examples)",
                "Give more examples, or raise --max-train / --max-test.");
        notes.AddRange(split.Notes);
        var testLabels = split.Test.Select(e => e.Label).ToList();
        var report = new DataReport(task.Name, task.ClassCount, task.ClassNames, split.A.Count, split.B.Count, split.Test.Count,
            Metrics.Accuracy.MajorityRate(testLabels), notes);
        return (new ExperimentSplit(split.A, split.B, split.Test, task.ClassCount) { Inputs = task.Inputs }, report);
    }
}
