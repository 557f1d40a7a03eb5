using System.Diagnostics;

namespace WeakToStrong.Tests;

/// <summary>Runs the built `w2s` (copied next to the tests) as a user would, capturing exit code and both streams.</summary>
internal static class W2sProcess
{
    public static (int Exit, string Out, string Err) Run(params string[] args) => RunWithin(Timeout.InfiniteTimeSpan, args);

    /// <summary>As <see cref="Run"/>, but a process still running after <paramref name="timeout"/> is killed and the test fails.</summary>
    public static (int Exit, string Out, string Err) RunWithin(TimeSpan timeout, params string[] args) => RunWithin(timeout, null, args);

    /// <summary>As <see cref="RunWithin(TimeSpan, string[])"/>, with extra environment variables for the process.</summary>
    public static (int Exit, string Out, string Err) RunWithin(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "w2s.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"w2s {string.Join(' ', args)} did not end within {timeout.TotalSeconds:F0} s");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
