using System.Diagnostics;

namespace WeakToStrong.Bench;

/// <summary>Wall time of whole `w2s run` commands, run as a user would (the built CLI, a fresh output folder).</summary>
internal static class CliWork
{
    /// <summary>The built w2s.dll (Release first, then Debug); null when neither is built.</summary>
    public static string? FindCli(string repo) =>
        new[] { "Release", "Debug" }.Select(config => Path.Combine(CliBin(repo), config, "net10.0", "w2s.dll")).FirstOrDefault(File.Exists);

    public static string CliBin(string repo) => Path.Combine(repo, "src", "WeakToStrong.Cli", "bin");

    public static double Seconds(string cli, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"w2s {string.Join(' ', args)} failed: {stderr.Result}");
        return clock.Elapsed.TotalSeconds;
    }
}
