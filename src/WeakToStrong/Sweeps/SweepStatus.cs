using WeakToStrong.Protocol;
using WeakToStrong.Sweeps.Slurm;

namespace WeakToStrong.Sweeps;

/// <summary>Where a stage of a sweep is: finished, computing, waiting in the cluster queue, failed, or not run yet.</summary>
internal enum StageState { Done, Running, Queued, Failed, Unknown, NotRun }

/// <summary>One stage's state; Job ("123_4"), Log and Detail (exit status, the log's error line, the queue's reason) when known.</summary>
internal sealed record StageStatus(string Key, StageKind Kind, string Stage, StageState State, string? Job = null, string? Log = null, string? Detail = null);

/// <summary>
/// The state of every stage of the last sweep planned into a results folder, from the cache (done), the stage locks
/// (computed by a local process) and, for stages submitted to Slurm, the queue (squeue), the exit-status files the job
/// scripts write and what scontrol still remembers of finished jobs.
/// </summary>
internal static class SweepStatus
{
    public static IReadOnlyList<StageStatus> Of(string resultsFolder, SlurmClient? slurm = null)
    {
        var manifest = SweepManifest.Load(resultsFolder);
        var cache = new StageCache(Path.Combine(resultsFolder, "cache")) { Warn = null }; // status says it per stage
        var submissions = SlurmSubmission.All(resultsFolder);
        var lastJob = new Dictionary<string, (SlurmSubmission Sub, SlurmArray Array, int Task)>();
        foreach (var sub in submissions)
        foreach (var array in sub.Arrays)
            for (int i = 0; i < array.Keys.Count; i++) lastJob[array.Keys[i]] = (sub, array, i);
        var queue = submissions.Count > 0 ? slurm?.Queue() : null;
        var queued = queue?.Where(t => t.Task is not null).DistinctBy(t => (t.JobId, t.Task)).ToDictionary(t => (t.JobId, t.Task!.Value));

        StageStatus Status(SweepManifest.Stage stage)
        {
            StageStatus Make(StageState state, string? job = null, string? log = null, string? detail = null) =>
                new(stage.Key, stage.Kind, stage.Description, state, job, log, detail);
            if (cache.Contains(stage.Kind, stage.Key))
                return lastJob.TryGetValue(stage.Key, out var by) && by.Array.JobId is { } done
                    ? Make(StageState.Done, $"{done}_{by.Task}", by.Sub.LogPath(by.Array.Index, by.Task))
                    : Make(StageState.Done);
            var lockPath = cache.LockPathOf(stage.Kind, stage.Key);
            if (File.Exists(lockPath) && StageLock.IsHeld(lockPath)) return Make(StageState.Running, detail: $"by a process on this host ({lockPath})");
            if (cache.ProblemOf(stage.Kind, stage.Key) is { } damaged)
                return Make(StageState.NotRun, detail: $"unreadable cache entry {cache.PathOf(stage.Kind, stage.Key)} ({damaged}); the sweep command computes it again");
            if (!lastJob.TryGetValue(stage.Key, out var at)) return Make(StageState.NotRun);

            var (sub, array, task) = at;
            var log = sub.LogPath(array.Index, task);
            if (array.JobId is null) return Make(StageState.Failed, detail: $"not submitted (sbatch failed in submission {sub.Number})");
            var job = $"{array.JobId}_{task}";
            if (queued is not null && queued.TryGetValue((array.JobId, task), out var q))
                return q.State == "PENDING" ? Make(StageState.Queued, job, log, q.Reason == "None" ? null : q.Reason)
                    : Make(StageState.Running, job, log, q.State == "RUNNING" ? null : q.State);
            var exit = ReadStatus(sub.StatusPath(array.Index, task));
            if (queue is null && exit?.StartsWith("exit", StringComparison.Ordinal) != true)
                return Make(StageState.Unknown, job, log, "squeue did not answer");
            var scontrol = slurm?.FinishedState(array.JobId, task);
            string detail = exit switch
            {
                null => "never started (cancelled while pending?)",
                _ when exit.StartsWith("exit", StringComparison.Ordinal) => exit,
                _ => $"ended without an exit status (killed: node failure, out of memory or SIGKILL); last status: {exit}",
            };
            var reason = LastError(log);
            return Make(StageState.Failed, job, File.Exists(log) ? log : null,
                string.Join("; ", new[] { scontrol, detail, reason }.Where(x => !string.IsNullOrEmpty(x))));
        }
        return manifest.Stages.Select(Status).ToList();
    }

    private static string? ReadStatus(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path).Trim() : null; }
        catch (IOException) { return null; }
    }

    /// <summary>The line of a job log that says what went wrong: the last error line, else the last line.</summary>
    private static string? LastError(string log)
    {
        if (!File.Exists(log)) return null;
        var lines = File.ReadLines(log).Select(l => l.Trim()).Where(l => l.Length > 0).TakeLast(200).ToList();
        var line = lines.LastOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("exception", StringComparison.OrdinalIgnoreCase))
                   ?? lines.LastOrDefault();
        return line is null ? null : line.Length > 300 ? line[..300] + "..." : line;
    }
}
