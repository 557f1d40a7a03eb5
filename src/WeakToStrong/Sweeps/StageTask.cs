using WeakToStrong.Protocol;
using WeakToStrong.Training;

namespace WeakToStrong.Sweeps;

/// <summary>
/// Runs exactly one stage through the cache, as one cluster job does: nothing when it is finished already, a clear
/// failure when its labeller is not finished (that job failed or was cancelled: waiting would hang the job), otherwise
/// compute and save it atomically. The lock keeps it from being computed twice by processes on the same host.
/// </summary>
internal static class StageTask
{
    public enum Outcome { Computed, AlreadyFinished }

    public static Outcome Run(StageSpec spec, ExperimentSplit split, StageCache cache, IProgress<StageProgress>? progress = null)
    {
        if (split.Fingerprint != spec.DataHash)
            throw new UserInputException(spec.Task, $"the data (seed {spec.Seed}) differs from the data this stage was planned on " +
                                                    "(the task's files or the program changed since the submission)", "Rerun the sweep to plan it anew.");
        // No clean-up of temporaries here: jobs on other nodes may be writing theirs (the submitting process cleans up).
        if (cache.Contains(spec)) return Outcome.AlreadyFinished;
        if (spec.Upstream.FirstOrDefault(u => !cache.Contains(u)) is { } labeller)
            throw new UserInputException(cache.PathOf(labeller), $"missing or unreadable, so {spec.Describe()} cannot run: its labeller, " +
                                                                 $"{labeller.Describe()}, is not finished (its job failed or was cancelled)", "Rerun the sweep: it resubmits both.");
        // The path of a bf16 stage is part of its key: a node whose own default differs takes the planned one.
        if (spec.Bf16Kernels is { } kernels) Models.Bf16Kernels.Use(kernels, spec.Describe());
        bool computed = false;
        cache.Cached(spec, () =>
        {
            computed = true;
            using var memo = spec.Generative ? new GenerativeMemo(split) : null;
            return Experiment.Execute(spec, split, s => cache.TryLoad(s) ?? throw new InvalidOperationException($"stage not finished: {s.Describe()}"),
                memo, progress);
        });
        return computed ? Outcome.Computed : Outcome.AlreadyFinished;
    }
}
