using System.ComponentModel;
using System.Diagnostics;

namespace WeakToStrong.Sweeps.Slurm;

/// <summary>One array task in Slurm's queue (squeue): its array job id, task index, state (PENDING, RUNNING, ...) and reason.</summary>
internal sealed record QueuedTask(string JobId, int? Task, string State, string Reason);

/// <summary>
/// Slurm's command-line tools (sbatch, squeue, scontrol, scancel, sinfo), run as processes: they are the interface every
/// Slurm installation has, whatever its version, and they read the cluster's own configuration and credentials.
/// </summary>
internal sealed class SlurmClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Why Slurm cannot be used from here, or null when sinfo answers with at least one node.</summary>
    public static string? Unavailable()
    {
        try
        {
            var (exit, output, error) = Execute("sinfo", ["--noheader", "--format=%D %T"], TimeSpan.FromSeconds(15));
            if (exit != 0) return $"sinfo failed ({error.Trim()}): is the cluster running? (a local test cluster: scripts/slurm-local.sh start)";
            return output.Trim().Length > 0 ? null : "sinfo lists no node";
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    /// <summary>Fails with a clear message unless sbatch can be run (before anything is written for a submission).</summary>
    public void RequireSbatch()
    {
        var (exit, _, error) = Execute("sbatch", ["--version"], TimeSpan.FromSeconds(15));
        if (exit != 0) throw new SlurmException($"sbatch --version failed: {error.Trim()}");
    }

    /// <summary>Submits a script; it starts after every job of <paramref name="afterAny"/> has ended. Returns the job id.</summary>
    public string Submit(string script, IReadOnlyList<string> afterAny)
    {
        var args = new List<string> { "--parsable" };
        if (afterAny.Count > 0) args.Add("--dependency=afterany:" + string.Join(':', afterAny));
        args.Add(script);
        var (exit, output, error) = Execute("sbatch", args, Timeout);
        if (exit != 0) throw new SlurmException($"sbatch {script} failed (exit {exit}): {error.Trim()}");
        var id = output.Trim().Split(';')[0]; // --parsable: "id" or "id;cluster"
        if (id.Length == 0 || !id.All(char.IsAsciiDigit)) throw new SlurmException($"sbatch {script} answered '{output.Trim()}', not a job id");
        return id;
    }

    /// <summary>This user's queued and running array tasks, one entry per task (squeue -r), or null when squeue fails.</summary>
    public IReadOnlyList<QueuedTask>? Queue()
    {
        var (exit, output, _) = Execute("squeue", ["--noheader", "--array", $"--user={Environment.UserName}", "--format=%F|%K|%T|%r"], Timeout);
        if (exit != 0) return null;
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('|'))
            .Where(f => f.Length >= 4)
            .Select(f => new QueuedTask(f[0], int.TryParse(f[1], out int t) ? t : null, f[2], f[3]))
            .ToList();
    }

    /// <summary>What scontrol still knows of an array task that left the queue ("CANCELLED, exit 0:15"), or null.</summary>
    public string? FinishedState(string jobId, int task)
    {
        var (exit, output, _) = Execute("scontrol", ["show", "job", $"{jobId}_{task}"], TimeSpan.FromSeconds(15));
        if (exit != 0) return null;
        string? Field(string name) => output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(f => f.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
        return Field("JobState") is { } state ? $"{state}, exit {Field("ExitCode") ?? "?"}" : null;
    }

    public void Cancel(string jobId) => Execute("scancel", [jobId], Timeout);

    private static (int Exit, string Output, string Error) Execute(string tool, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SlurmException($"could not start {tool}");
        }
        catch (Win32Exception)
        {
            throw new SlurmException($"{tool} not found: install Slurm's client tools (Debian: apt-get install slurm-wlm; " +
                                                "on a cluster, load its Slurm module) or run the sweep with --executor local");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                try { process.Kill(); } catch (InvalidOperationException) { }
                throw new SlurmException($"{tool} {string.Join(' ', args)} did not answer within {timeout.TotalSeconds:F0} s");
            }
            return (process.ExitCode, output.Result, error.Result);
        }
    }
}
