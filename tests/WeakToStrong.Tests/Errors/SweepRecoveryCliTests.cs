using WeakToStrong.Tests.Sweeps;

namespace WeakToStrong.Tests.Errors;

/// <summary>A sweep folder damaged between runs, through the w2s process: status tells, the rerun repairs, report works again.</summary>
public sealed class SweepRecoveryCliTests : IDisposable
{
    private readonly string _folder = SweepFixtures.TempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ATruncatedCacheEntryAndAGarbageStoreAreRepairedByTheSameSweepCommand()
    {
        var data = Path.Combine(_folder, "soup.jsonl");
        File.WriteAllLines(data, Enumerable.Range(0, 200).Select(BadInputFolder.Good));
        var results = Path.Combine(_folder, "results");
        string[] sweep = ["sweep", "--tasks", data, "--models", "bow,minilm-l1", "--min-steps", "0", "--losses", "xent", "--seeds", "1", "--max-train", "60",
            "--threads", "1", "--out", results];
        var timeout = TimeSpan.FromMinutes(5);
        var first = W2sProcess.RunWithin(timeout, sweep);
        Assert.True(first.Exit == 0, first.Err);
        var csv = File.ReadAllText(Path.Combine(results, "results.csv"));

        var entry = Directory.GetFiles(Path.Combine(results, "cache", "ceiling"), "*.json").First();
        File.WriteAllText(entry, File.ReadAllText(entry)[..100]);
        var store = Path.Combine(results, "results.sqlite");
        File.WriteAllBytes(store, Enumerable.Range(0, 2000).Select(i => (byte)(i * 13 % 256)).ToArray());

        var status = W2sProcess.RunWithin(timeout, "status", results, "--json");
        Assert.Equal(0, status.Exit);
        Assert.Contains("\"NotRun\":1", status.Out.Replace(" ", ""));
        Assert.Contains(Path.GetFileName(entry), status.Out);

        var report = W2sProcess.RunWithin(timeout, "report", results);
        Assert.Equal(2, report.Exit);
        Assert.StartsWith($"w2s: error: {store}: ", report.Err);

        var again = W2sProcess.RunWithin(timeout, sweep);
        Assert.True(again.Exit == 0, again.Err);
        Assert.Contains($"w2s: warning: {entry}: unreadable stage-cache entry", again.Err);
        Assert.Contains($"w2s: warning: {store}: not a readable SQLite database", again.Err);
        Assert.Contains("(1 computed now, 3 from the cache)", again.Err);
        Assert.Equal(csv, File.ReadAllText(Path.Combine(results, "results.csv")));
        Assert.Equal(0, W2sProcess.RunWithin(timeout, "report", results).Exit);
    }
}
