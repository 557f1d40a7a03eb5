using System.Diagnostics;

namespace WeakToStrong.Bench;

/// <summary>Wall time of whole `w2s run` commands, run as a user would (the built CLI, a fresh output folder).</summary>
internal static class CliWork
{
    public static string FindCli(string repo)
    {
        foreach (var config in new[] { "Release", "Debug" })
        {
            var path = Path.Combine(repo, "src", "WeakToStrong.Cli", "bin", config, "net10.0", "w2s.dll");
            if (File.Exists(path)) return path;
        }
        Console.Error.WriteLine($"bench: w2s.dll not found under {Path.Combine(repo, "src", "WeakToStrong.Cli", "bin")}: build the solution first "
            + "(dotnet build -c Release), or pass --skip-runs to leave out the whole-command timings.");
        Environment.Exit(2);
        return null!;
    }

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
