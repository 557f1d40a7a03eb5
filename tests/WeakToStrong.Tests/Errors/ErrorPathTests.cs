using WeakToStrong.Cli;

namespace WeakToStrong.Tests.Errors;

/// <summary>The CLI's one error path: user-caused failures are one named line and exit 2; anything else is a bug, with its trace.</summary>
public sealed class ErrorPathTests
{
    private static (int Exit, string Err) Guarded(Action action)
    {
        var saved = Console.Error;
        var err = new StringWriter();
        Console.SetError(err);
        try { return (CliErrors.Guard(action), err.ToString()); }
        finally { Console.SetError(saved); }
    }

    [Fact]
    public void AUserErrorIsOneLineWithSubjectProblemAndFix()
    {
        var (exit, err) = Guarded(() => throw new UserInputException("--epochs", "must be at least 1, not 0", "Give 1 or more."));
        Assert.Equal(2, exit);
        Assert.Equal("w2s: error: --epochs: must be at least 1, not 0. Give 1 or more." + Environment.NewLine, err);
    }

    [Fact]
    public void ABugPrintsItsTraceAndSaysItIsABug()
    {
        var (exit, err) = Guarded(() => throw new NullReferenceException("boom"));
        Assert.Equal(CliErrors.Bug, exit);
        Assert.NotEqual(2, exit);
        Assert.Contains("System.NullReferenceException: boom", err);
        Assert.Contains("   at ", err); // the trace
        Assert.Contains("this is a bug in w2s", err);
        Assert.DoesNotContain("w2s: error:", err);
    }

    [Fact]
    public void FileSystemFailuresAreUserErrorsNamingThePath()
    {
        var (exit, err) = Guarded(() => throw new IOException("No space left on device : '/data/out/x.json'", 28));
        Assert.Equal(2, exit);
        Assert.StartsWith("w2s: error: /data/out/x.json: no space left on the device. Free some space", err);
        Assert.Contains("run the same command again", err);

        (exit, err) = Guarded(() => throw new UnauthorizedAccessException("Access to the path '/etc/shadow' is denied."));
        Assert.Equal(2, exit);
        Assert.StartsWith("w2s: error: /etc/shadow: Access to the path '/etc/shadow' is denied.", err);
    }

    [Fact]
    public void AnErrorWithoutASubjectGetsTheOptionFromItsCaller()
    {
        var e = new UserInputException("", "Unknown model 'gpt-5'", "See `w2s models`.").Via("--strong");
        Assert.Equal("--strong: Unknown model 'gpt-5'. See `w2s models`.", e.Message);
        var named = new UserInputException("/m/config.json", "lacks 'hidden_size'").Via("--strong");
        Assert.Equal("--strong: /m/config.json: lacks 'hidden_size'.", named.Message);
    }

    [SkippableFact]
    public void TheFullDiskErrorIsRecognisedOnThisPlatform()
    {
        // What the runtime throws for ENOSPC here, recognised as a full disk (the tmpfs tests need root or user namespaces).
        Skip.IfNot(File.Exists("/dev/full"), "this platform has no /dev/full");
        var e = Record.Exception(() => File.WriteAllText("/dev/full", "x"));
        Assert.IsAssignableFrom<IOException>(e);
        Assert.True(WeakToStrong.Results.FileProblems.IsDiskFull(e), $"{e.GetType().Name} {e.HResult}: {e.Message}");
    }
}
