using WeakToStrong.Training;

namespace WeakToStrong.Sweeps;

/// <summary>
/// Where a sweep's stages are computed: in this process (<see cref="SweepRunner"/>, the default) or as cluster jobs
/// (<see cref="Slurm.SlurmExecutor"/>). Either way every stage goes through the same stage cache, so executors can be
/// mixed on one results folder, and the results store is filled from that cache.
/// </summary>
public interface ISweepExecutor
{
    SweepOutcome Run(SweepPlan plan, IProgress<SweepProgress>? progress = null, IProgress<StageProgress>? stageProgress = null);
}
