
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
