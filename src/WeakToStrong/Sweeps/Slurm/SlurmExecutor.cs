using System.Diagnostics;
using WeakToStrong.Protocol;
using WeakToStrong.Results;
using WeakToStrong.Training;

namespace WeakToStrong.Sweeps.Slurm;

/// <summary>
/// Runs a sweep as Slurm job arrays: the stages missing from the cache (only those: a rerun resubmits exactly what
/// failed or was cancelled) are grouped by <see cref="SlurmArray.Plan"/>, saved as a <see cref="SlurmSubmission"/>
/// and submitted with sbatch, later arrays depending on earlier ones. Each array task runs `w2s sweep-stage`, which
/// computes one stage into the shared cache. Unless told not to wait, it then follows the queue until its jobs have
/// ended and fills the results store from the cache, as the local runner does.
/// </summary>
internal sealed class SlurmExecutor(string resultsFolder, SlurmOptions options, ResultStore? store = null) : ISweepExecutor
{
    private readonly SlurmClient slurm = new();

    /// <summary>Follow the jobs until they have all ended (true), or return once they are submitted.</summary>
    public bool Wait { get; init; } = true;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The submission of the last run, or null when nothing was missing.</summary>
    public SlurmSubmission? Submission { get; private set; }

    public SweepOutcome Run(SweepPlan plan, IProgress<SweepProgress>? progress = null, IProgress<StageProgress>? stageProgress = null)
    {
        var clock = Stopwatch.StartNew();
        var cache = new StageCache(Path.Combine(resultsFolder, "cache"));
        cache.RemoveOrphanTemporaries(olderThan: TimeSpan.FromHours(1)); // by age: their writers may have run on other nodes
        var pending = plan.Stages.Where(s => !cache.Contains(s)).ToList();
        int total = plan.Stages.Count, cached = total - pending.Count, executed = 0;
        void Report(SweepEvent e, StageSpec? stage = null, double? seconds = null, string? note = null) =>
            progress?.Report(new SweepProgress(e, cached + executed, total, executed, stage, clock.Elapsed, null, seconds, note));
        SweepOutcome Outcome(int missing) =>
            new(total, executed, cached, plan.Cells.Count, clock.Elapsed, missing);

        if (pending.Count == 0)
        {
            if (store is not null) SweepResults.Collect(plan, cache, store);
            Report(SweepEvent.Completed);
            return Outcome(0);
        }
        slurm.RequireSbatch();
        RefuseStagesStillQueued(pending);
        Submission = Submit(plan, pending);
        var jobs = Submission.Arrays.Select(a => a.JobId!).ToHashSet();
        Report(SweepEvent.Planned, note: $"submitted {pending.Count} stage(s) as {jobs.Count} Slurm array job(s): {string.Join(", ", Submission.Arrays.Select(a => $"{a.JobId} ({a.Name}, {a.Keys.Count})"))}; " +
                                         $"logs in {Path.Combine(Submission.Folder, "logs")}");
        if (!Wait) return Outcome(pending.Count);

        var left = new List<StageSpec>(pending);
        void TakeFinished()
        {
            foreach (var stage in left.Where(cache.Contains).ToList())
            {
                left.Remove(stage);
                executed++;
                Report(SweepEvent.Finished, stage, cache.TryLoad(stage)?.Seconds);
            }
        }
        var sinceNote = Stopwatch.StartNew();
        while (true)
        {
            Thread.Sleep(PollInterval);
            TakeFinished();
            var queue = slurm.Queue() ?? throw new SlurmException("squeue failed while waiting for the sweep's jobs; they go on: follow them with `w2s status`");
            var ours = queue.Where(t => jobs.Contains(t.JobId)).ToList();
            if (ours.Count == 0) break;
            if (sinceNote.Elapsed >= TimeSpan.FromSeconds(10))
            {
                sinceNote.Restart();
                Report(SweepEvent.Waiting, left.FirstOrDefault(), note: $"Slurm: {ours.Count(t => t.State == "RUNNING")} running, {ours.Count(t => t.State == "PENDING")} pending");
            }
        }
        // A file written on another node can take a moment to show here on a network filesystem.
        if (left.Count > 0) { Thread.Sleep(PollInterval); TakeFinished(); }
        if (store is not null) SweepResults.Collect(plan, cache, store);
        Report(SweepEvent.Completed);
        return Outcome(left.Count);
    }

    /// <summary>A stage still queued or running from an earlier submission is not submitted twice: the user waits or cancels it.</summary>
    private void RefuseStagesStillQueued(IReadOnlyList<StageSpec> pending)
    {
        var earlier = SlurmSubmission.All(resultsFolder);
        if (earlier.Count == 0) return;
        var queue = slurm.Queue() ?? throw new SlurmException("squeue failed: cannot tell whether earlier jobs of this sweep still run");
        var active = queue.Select(t => (t.JobId, t.Task)).ToHashSet();
        var keys = pending.Select(s => s.Key).ToHashSet();
        var busy = earlier.SelectMany(sub => sub.Arrays.Where(a => a.JobId is not null)
                .SelectMany(a => a.Keys.Select((key, i) => (key, job: $"{a.JobId}_{i}", alive: active.Contains((a.JobId!, i))))))
            .Where(x => x.alive && keys.Contains(x.key)).ToList();
        if (busy.Count > 0)
            throw new SlurmException($"{busy.Count} of the sweep's unfinished stages are still queued or running in Slurm " +
                                                $"({string.Join(", ", busy.Select(b => b.job).Take(8))}{(busy.Count > 8 ? ", ..." : "")}): " +
                                                $"wait for them (`w2s status {resultsFolder}`) or scancel them, then rerun to submit what is missing");
    }

    private SlurmSubmission Submit(SweepPlan plan, IReadOnlyList<StageSpec> pending)
    {
        int number = SlurmSubmission.All(resultsFolder).Select(s => s.Number).DefaultIfEmpty(0).Max() + 1;
        var arrays = SlurmArray.Plan(pending, options.MaxArraySize);
        var submission = new SlurmSubmission(number, DateTime.UtcNow, plan.Config, Environment.CurrentDirectory, arrays, pending)
        {
            Folder = Path.GetFullPath(SlurmSubmission.FolderOf(resultsFolder, number)),
        };
        submission.Save(); // before any job can start: jobs read their stage from it
        foreach (var array in arrays)
            AtomicFile.WriteAllText(submission.ScriptPath(array.Index), SlurmScript.Text(submission, array, options, resultsFolder));

        var submitted = new List<SlurmArray>();
        try
        {
            foreach (var array in arrays)
            {
                var after = array.DependsOn.Select(i => submitted[i].JobId!).ToList();
                submitted.Add(array with { JobId = slurm.Submit(submission.ScriptPath(array.Index), after) });
            }
        }
        catch (InvalidOperationException)
        {
            // Half a submission would leave students waiting on labellers that never come: take it back.
            foreach (var array in submitted) slurm.Cancel(array.JobId!);
            submission = submission with { Arrays = [.. submitted, .. arrays.Skip(submitted.Count)] };
            submission.Save();
            throw;
        }
        submission = submission with { Arrays = submitted };
        submission.Save();
        return submission;
    }
}
