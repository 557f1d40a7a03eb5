using System.Text.Json;

namespace WeakToStrong.Tests.Sweeps;

/// <summary>`w2s sweep` and `w2s report` as a user meets them (no training: dry runs and errors).</summary>
public class SweepCliTests
{
    private static (int Exit, string Out, string Err) W2s(params string[] args) => W2sProcess.Run(args);

    [Fact]
    public void DryRunPrintsThePlanWithAnEstimateAndTrainsNothing()
    {
        var folder = SweepFixtures.TempFolder();
        try
        {
            var (exit, output, _) = W2s("sweep", "--models", "minilm-l1,bow", "--min-steps", "0", "--losses", "xent,logconf", "--seeds", "1", "--max-train", "100",
                "--max-test", "50", "--out", folder, "--dry-run", "--json");
            Assert.Equal(0, exit);
            using var plan = JsonDocument.Parse(output);
            Assert.Equal(["bow", "minilm-l1"], plan.RootElement.GetProperty("ladder").EnumerateArray().Select(e => e.GetString()).ToArray());
            var kinds = plan.RootElement.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("kind").GetString()).ToList();
            Assert.Equal(["Weak", "Ceiling", "Ceiling", "Student", "Student"], kinds);
            Assert.True(plan.RootElement.GetProperty("estimatedSecondsLeft").GetDouble() > 0);
            Assert.False(Directory.Exists(Path.Combine(folder, "cache")));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void BadLadderAndMissingStoreEndWithExitCode2()
    {
        var (exit, _, err) = W2s("sweep", "--models", "bow", "--dry-run");
        Assert.Equal(2, exit);
        Assert.Contains("at least two models", err);
        var none = Path.Combine(Path.GetTempPath(), $"w2s-none-{Guid.NewGuid():N}");
        (exit, _, err) = W2s("report", none);
        Assert.Equal(2, exit);
        Assert.Contains($"w2s: error: {none}: results folder not found", err);
        Directory.CreateDirectory(none);
        try
        {
            (exit, _, err) = W2s("report", none);
            Assert.Equal(2, exit);
            Assert.Contains("no results store", err);
        }
        finally { Directory.Delete(none, true); }
    }
}
