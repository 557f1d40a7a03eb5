using System.Text.RegularExpressions;
using WeakToStrong.Data;
using WeakToStrong.Protocol;
using WeakToStrong.Reports;
using WeakToStrong.Results;
using WeakToStrong.Sweeps;
using WeakToStrong.Training;

namespace WeakToStrong.Tests.Library;

/// <summary>
/// docs/library.md cannot rot: its C# examples are the bodies of the two tests below (a test checks the text is the same),
/// and its table of public types is the library's public surface (a test compares them).
/// </summary>
public class LibraryExampleTests
{
    [Fact]
    public void RunsOneExperiment()
    {
        // example: experiment
        TorchRuntime.Initialize(threads: 1);
        TaskData task = TaskLoader.Load("wordnet-antonym");   // a built-in task, or a .jsonl file
        var (split, data) = TaskPreparation.Prepare(task, seed: 0, maxTrain: 200, maxTest: 100);
        var config = new ExperimentConfig(WeakModel: "bow", StrongModel: "minilm-l1", Loss: "logconf", MinSteps: 0);
        var (result, _, _) = Experiment.Run(split, data, config);
        Console.WriteLine($"weak {result.Weak.TestAccuracy:P1}, student {result.Student.TestAccuracy:P1}, " +
                          $"ceiling {result.Ceiling.TestAccuracy:P1}, PGR {result.Pgr?.ToString("F2") ?? result.PgrUndefinedReason}");
        // end

        Assert.Equal(100, data.Test);
        Assert.Equal("logconf", result.Student.Loss);
        Assert.All(new[] { result.Weak, result.Student, result.Ceiling }, m => Assert.InRange(m.TestAccuracy, 0, 1));
        Assert.True(result.Pgr is not null || result.PgrUndefinedReason is not null);
    }

    [Fact]
    public void RunsASweepAndWritesItsReport()
    {
        var folder = Path.Combine(Path.GetTempPath(), "w2s-example-sweep");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        try
        {
            // example: sweep
            var sweep = new SweepConfig(Tasks: ["wordnet-antonym"], Models: ["bow", "minilm-l1"], Losses: ["xent", "logconf"],
                Seeds: 1, MaxTrain: 200, MaxTest: 100, Template: new ExperimentConfig(MinSteps: 0));
            var plan = SweepPlan.Create(sweep, TaskLoader.Load);
            Directory.CreateDirectory(folder);
            var store = new ResultStore(Path.Combine(folder, "results.sqlite"));
            var outcome = new SweepRunner(new StageCache(Path.Combine(folder, "cache")), store).Run(plan);
            store.Export(folder);                                                            // results.csv, results.json, gt_runs.csv
            var files = SweepReport.Write(store.Rows(), store.GroundTruthRows(), folder);    // summary.md, tables, figures
            Console.WriteLine($"{outcome.Experiments} experiments; {string.Join(", ", files)}");
            // end

            Assert.Equal(2, outcome.Experiments);
            Assert.Equal(2, store.Rows().Count);
            Assert.Contains(files, f => f.EndsWith("summary.md"));
            Assert.True(File.Exists(Path.Combine(folder, "results.csv")));
        }
        finally { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void TheDocsShowTheseExamples()
    {
        string doc = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot(), "docs", "library.md"));
        string tests = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot(), "tests", "WeakToStrong.Tests", "Library", "LibraryExampleTests.cs"));
        foreach (var name in new[] { "experiment", "sweep" })
        {
            var inTest = Regex.Match(tests, $@"// example: {name}\n(.*?)\n\s*// end", RegexOptions.Singleline);
            Assert.True(inTest.Success, $"the {name} example is not marked in the test");
            var code = Normalise(inTest.Groups[1].Value);
            Assert.True(Normalise(doc).Contains(code), $"docs/library.md does not show the {name} example as the test runs it:\n{code}");
        }
    }

    [Fact]
    public void TheDocsListEveryPublicType()
    {
        string doc = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot(), "docs", "library.md"));
        var documented = Regex.Matches(doc, @"^\| `([A-Za-z0-9_.]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        var exported = typeof(Experiment).Assembly.GetExportedTypes()
            .Select(t => (t.FullName ?? t.Name).Replace("WeakToStrong.", "").Replace('+', '.')).ToHashSet();
        Assert.True(exported.SetEquals(documented),
            $"public but not in docs/library.md: {string.Join(", ", exported.Except(documented).Order())}; " +
            $"in docs/library.md but not public: {string.Join(", ", documented.Except(exported).Order())}. " +
            "Make the type internal, or list it in the table of docs/library.md.");
    }

    /// <summary>Lines trimmed, blank lines dropped: indentation differs between the test and the page.</summary>
    private static string Normalise(string code) =>
        string.Join("\n", code.Replace("\r", "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
}
