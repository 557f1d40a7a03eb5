using System.Diagnostics;
using System.Text.Json;
using WeakToStrong.Sweeps.Slurm;
using Xunit.Abstractions;

namespace WeakToStrong.Tests.Sweeps;

/// <summary>
/// A test that needs a Slurm cluster answering on this machine (scripts/slurm-local.sh start; CI starts one). xunit 2 has
/// no skip at run time, so the cluster is probed when tests are discovered and the test is skipped with the reason.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(() => SlurmClient.Unavailable() is { } why
        ? $"no Slurm cluster: {why} (start one with scripts/slurm-local.sh start)"
        : null);

    public SlurmFactAttribute()
    {
        if (Reason.Value is { } reason) Skip = reason;
    }
}

/// <summary>
/// Sweeps through a real Slurm cluster, as a user runs them (the built w2s, jobs that start w2s again on the "node"):
/// the same metrics as a local sweep, and a rerun after a cancelled array task submits only the missing stages.
/// Models: bow and the 1-layer MiniLM, on a small keyword task written by the test.
/// </summary>
public class SlurmClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(150);

    private static string[] Sweep(string data, string folder, params string[] more) =>
        ["sweep", "--tasks", data, "--models", "bow,minilm-l1", "--min-steps", "0", "--losses", "xent", "--seeds", "1", "--max-train", "160", "--max-test", "60",
            "--out", folder, .. more];

    private static string KeywordTask(string folder)
    {
        var task = SweepFixtures.Synthetic(train: 220, test: 1);
        var path = Path.Combine(folder, "keywords.jsonl");
        File.WriteAllLines(path, task.Train.Select(e => JsonSerializer.Serialize(new { text = e.Input.Text, label = e.Label })));
        return path;
    }

    private (int Exit, string Out, string Err) W2s(params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var result = W2sProcess.RunWithin(Limit, args);
        output.WriteLine($"w2s {string.Join(' ', args)}: exit {result.Exit} in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(result.Err);
        return result;
    }

    private static JsonElement Summary(string stdout) =>
        JsonDocument.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last()).RootElement;

    [SlurmFact]
    public void ASweepThroughSlurmGivesTheSameMetricsAsALocalSweep()
    {
        var root = SweepFixtures.TempFolder();
        try
        {
            var data = KeywordTask(root);
            string local = Path.Combine(root, "local"), slurm = Path.Combine(root, "slurm");
            var (exit, _, err) = W2s(Sweep(data, local, "--threads", "1"));
            Assert.True(exit == 0, err);
            (exit, var stdout, err) = W2s(Sweep(data, slurm, "--executor", "slurm", "--json"));
            Assert.True(exit == 0, err);
            var summary = Summary(stdout);
            Assert.Equal(4, summary.GetProperty("executed").GetInt32()); // weak, 2 ceilings, student: all by jobs
            Assert.Equal(3, summary.GetProperty("jobs").GetArrayLength());

            foreach (var file in new[] { "results.csv", "gt_runs.csv", "results.json" })
                Assert.Equal(File.ReadAllText(Path.Combine(local, file)), File.ReadAllText(Path.Combine(slurm, file)));
            output.WriteLine(File.ReadAllText(Path.Combine(slurm, "results.csv")));
        }
        finally { Directory.Delete(root, true); }
    }

    [SlurmFact]
    public void AfterOneArrayTaskIsCancelledARerunSubmitsOnlyTheMissingStages()
    {
        var root = SweepFixtures.TempFolder();
        try
        {
            var data = KeywordTask(root);
            var folder = Path.Combine(root, "results");
            // Held, so that the cancel hits a task that has not run yet whatever the machine's speed.
            var (exit, stdout, err) = W2s(Sweep(data, folder, "--executor", "slurm", "--no-wait", "--json", "--sbatch=--hold"));
            Assert.True(exit == 0, err);
            var jobs = Summary(stdout).GetProperty("jobs").EnumerateArray()
                .ToDictionary(j => j.GetProperty("name").GetString()!, j => j.GetProperty("jobId").GetString()!);
            Assert.Equal(["l0-labellers", "l0-stages", "l1-stages"], jobs.Keys.ToArray());
            Slurm("scancel", $"{jobs["l0-labellers"]}_0"); // the weak supervisor
            Slurm("scontrol", "release", jobs["l0-stages"], jobs["l1-stages"]);

            var client = new SlurmClient();
            var clock = Stopwatch.StartNew();
            while (client.Queue()!.Any(t => jobs.ContainsValue(t.JobId)))
            {
                Assert.True(clock.Elapsed < Limit, "the jobs did not end in time");
                Thread.Sleep(1000);
            }

            (exit, stdout, err) = W2s("status", folder, "--json");
            Assert.True(exit == 0, err);
            var status = JsonDocument.Parse(stdout).RootElement;
            var states = status.GetProperty("stages").EnumerateArray().Where(s => s.GetProperty("kind").GetString() != "Ceiling")
                .ToDictionary(s => s.GetProperty("kind").GetString()!, s => s);
            Assert.Equal("Failed", states["Weak"].GetProperty("state").GetString());
            Assert.Equal("Failed", states["Student"].GetProperty("state").GetString());
            Assert.Contains("w2s: error", states["Student"].GetProperty("detail").GetString());
            Assert.True(File.Exists(states["Student"].GetProperty("log").GetString()));
            Assert.Contains("labeller", File.ReadAllText(states["Student"].GetProperty("log").GetString()!)); // the detail is the log's start, cut short
            Assert.Equal(2, status.GetProperty("counts").GetProperty("Done").GetInt32()); // the two ceilings
            var missing = new[] { states["Weak"], states["Student"] }.Select(s => s.GetProperty("key").GetString()!).Order().ToList();

            (exit, stdout, err) = W2s(Sweep(data, folder, "--executor", "slurm", "--json"));
            Assert.True(exit == 0, err);
            var rerun = Summary(stdout);
            Assert.Equal(2, rerun.GetProperty("executed").GetInt32());
            Assert.Equal(2, rerun.GetProperty("cached").GetInt32());
            var second = SlurmSubmission.Load(SlurmSubmission.FolderOf(folder, 2));
            Assert.Equal(missing, second.Stages.Select(s => s.Key).Order().ToList());
            Assert.Equal(["l0-labellers", "l1-stages"], second.Arrays.Select(a => a.Name).ToArray());
            Assert.Equal(2, File.ReadAllLines(Path.Combine(folder, "results.csv")).Length); // header + the experiment
        }
        finally { Directory.Delete(root, true); }
    }

    private void Slurm(string tool, params string[] args)
    {
        var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        output.WriteLine($"{tool} {string.Join(' ', args)}: exit {process.ExitCode} {error}");
        Assert.True(process.ExitCode == 0, error);
    }
}
