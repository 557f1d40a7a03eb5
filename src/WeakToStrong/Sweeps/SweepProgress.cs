using WeakToStrong.Protocol;

namespace WeakToStrong.Sweeps;

/// <summary>What happened in a sweep: a stage started, finished (computed here, or found finished by another process or job), or waits.</summary>
public enum SweepEvent { Planned, Started, Finished, FoundFinished, Waiting, Completed }

/// <summary>
/// One progress report of a sweep: stages done out of total (done includes stages found in the cache), how many this
/// process (or its cluster jobs) computed, the stage concerned, elapsed time and an estimate of the time left. Note: what
/// a waiting executor is waiting for, in words (e.g. the cluster queue).
/// </summary>
public sealed record SweepProgress(
    SweepEvent Event, int Done, int Total, int Executed, StageSpec? Stage, TimeSpan Elapsed, TimeSpan? Remaining, double? StageSeconds = null,
    string? Note = null);

/// <summary>
/// What a sweep did: Executed stages were computed by this process (or its cluster jobs), Cached ones were found finished,
/// Missing ones are not finished (failed or cancelled jobs, or jobs still queued when the executor did not wait).
/// </summary>
public sealed record SweepOutcome(int Total, int Executed, int Cached, int Experiments, TimeSpan Elapsed, int Missing = 0);
