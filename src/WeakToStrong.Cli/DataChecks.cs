using WeakToStrong.Data;
using WeakToStrong.Protocol;

namespace WeakToStrong.Cli;

/// <summary>
/// Whether a prepared split can measure anything, and the loader's warnings, shown before any training. Below the
/// minimums an accuracy's standard error is so large that the numbers would only look confident.
/// </summary>
internal static class DataChecks
{
    public const int MinTest = 20, MinHalf = 10, QuietTest = 100;

    /// <summary>Prints what the loader found suspicious (invalid UTF-8, rare classes) as warnings.</summary>
    public static void Warn(TaskData task)
    {
        foreach (var w in task.Warnings) Console.Error.WriteLine($"w2s: warning: {w}");
    }

    /// <summary>An error when a set is too small to measure anything, a loud warning when accuracies will be noisy.</summary>
    public static void Measurable(DataReport report, string source, int? maxTrain, int? maxTest, HashSet<string>? warned = null)
    {
        if (report.Test < MinTest)
            throw new UserInputException(maxTest is int mt && mt < MinTest ? "--max-test" : source,
                $"leaves {report.Test} test example{(report.Test == 1 ? "" : "s")}; below {MinTest}, an accuracy's standard error is over ±11 points " +
                $"(it would print as '100.0% ± 0.0' after a lucky guess), so nothing can be measured",
                $"Use at least {MinTest} test examples ({QuietTest} or more to see differences of a few points).");
        if (report.TrainA < MinHalf || report.TrainB < MinHalf)
            throw new UserInputException(maxTrain is int m && m < 2 * MinHalf ? "--max-train" : source,
                $"leaves halves A and B of {report.TrainA} and {report.TrainB} examples; each needs at least {MinHalf} to train a model on",
                $"Use at least {2 * MinHalf} training examples.");
        if (report.Test < QuietTest && (warned?.Add(source) ?? true))
        {
            double se = 50 / Math.Sqrt(report.Test); // worst case, at 50% accuracy, in points
            Console.Error.WriteLine($"w2s: warning: {source}: only {report.Test} test examples: every accuracy has a standard error of up to ±{se:F1} points, " +
                                    $"so differences (and PGR) smaller than about {2 * se:F0} points are noise.");
        }
    }
}
