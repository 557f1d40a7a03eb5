
namespace WeakToStrong.Tests;

/// <summary>The `w2s` executable as a user meets it: exit codes and one-line reasons on bad input.</summary>
public class CliTests
{
    private static (int Exit, string Out, string Err) W2s(params string[] args) => W2sProcess.Run(args);

    [Fact]
    public void BadJsonlEndsWithExitCode2AndNamesFileLineAndField()
    {
        var file = Path.Combine(Path.GetTempPath(), $"w2s-cli-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(file, "{\"text\":\"fine\",\"label\":1}\n{\"text\":\"broken\",\"label\":1.5}\n");
        try
        {
            var (exit, _, err) = W2s("run", "--data", file, "--weak", "bow", "--strong", "bow");
            Assert.Equal(2, exit);
            Assert.Contains(file, err);
            Assert.Contains(":2", err);
            Assert.Contains("label", err);
            Assert.Single(err.Trim().Split('\n'));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void MallocTuningAddsOnlyTheTunablesTheUserDidNotSet()
    {
        const string ours = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296";
        Assert.Equal(ours, WeakToStrong.Cli.MallocTuning.Compose(null));
        Assert.Equal(ours, WeakToStrong.Cli.MallocTuning.Compose(""));
        Assert.Equal("glibc.malloc.hugetlb=0:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296",
            WeakToStrong.Cli.MallocTuning.Compose("glibc.malloc.hugetlb=0"));
        Assert.Equal("glibc.cpu.x86_shstk=off:" + ours, WeakToStrong.Cli.MallocTuning.Compose("glibc.cpu.x86_shstk=off"));
        Assert.Null(WeakToStrong.Cli.MallocTuning.Compose("glibc.malloc.trim_threshold=1:glibc.malloc.mmap_max=5:glibc.malloc.hugetlb=2"));
    }

    [Fact]
    public void ArgumentsSurviveTheMallocTuningRestartExactly()
    {
        // w2s starts itself again with GLIBC_TUNABLES set (MallocTuning): spaces, non-ASCII and empty arguments must
        // arrive as typed, with and without that restart.
        var folder = Directory.CreateTempSubdirectory("w2s-cli-argv-").FullName;
        var file = Path.Combine(folder, "dír with spaces", "bad  file.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "{\"text\":\"fine\",\"label\":1}\n{\"text\":\"broken\",\"label\":1.5}\n");
        try
        {
            foreach (var tuning in new[] { "", "0" })
            {
                var environment = tuning == "" ? null : new Dictionary<string, string> { ["W2S_MALLOC_TUNING"] = tuning };
                var (exit, _, err) = W2sProcess.RunWithin(TimeSpan.FromMinutes(2), environment, "run", "--data", file, "--weak", "bow", "--strong", "bow");
                Assert.Equal(2, exit);
                Assert.Contains(file + ":2", err);
                var (emptyExit, _, emptyErr) = W2sProcess.RunWithin(TimeSpan.FromMinutes(2), environment, "run", "--task", "", "--weak", "bow");
                Assert.Equal(2, emptyExit);
                Assert.Contains("--task", emptyErr);
            }
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void RunsThatDifferOnlyInDataSizeKeepTheirOwnFolders()
    {
        var folder = Directory.CreateTempSubdirectory("w2s-cli-runs-").FullName;
        var file = Path.Combine(folder, "fruit.jsonl");
        File.WriteAllLines(file, Enumerable.Range(0, 120).Select(i => i % 2 == 0
            ? $"{{\"text\":\"a ripe apple number {i}\",\"label\":1}}" : $"{{\"text\":\"a steel hammer number {i}\",\"label\":0}}"));
        try
        {
            foreach (var n in new[] { "40", "60" })
                Assert.Equal(0, W2s("run", "--data", file, "--weak", "bow", "--strong", "bow", "--max-train", n, "--out", Path.Combine(folder, "runs"), "--json").Exit);
            var runs = Directory.GetDirectories(Path.Combine(folder, "runs")).Where(d => Path.GetFileName(d) != "cache").ToList();
            Assert.Equal(2, runs.Count); // --max-train 60 did not overwrite the --max-train 40 run
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void UnknownModelAndLossAreRejectedBeforeAnyWork()
    {
        var (exit, _, err) = W2s("run", "--weak", "gpt-5");
        Assert.Equal(2, exit);
        Assert.Contains("Unknown model 'gpt-5'", err);
        (exit, _, err) = W2s("run", "--loss", "magic");
        Assert.Equal(2, exit);
        Assert.Contains("Unknown loss 'magic'", err);
    }

    [Fact]
    public void LossesCommandListsEveryLoss()
    {
        var (exit, output, _) = W2s("losses");
        Assert.Equal(0, exit);
        foreach (var name in WeakToStrong.Losses.LossRegistry.Names) Assert.Contains(name, output);
    }
}
