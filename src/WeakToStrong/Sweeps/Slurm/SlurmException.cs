namespace WeakToStrong.Sweeps.Slurm;

/// <summary>
/// Slurm cannot do what the sweep asks: its tools are missing, fail or do not answer, or earlier jobs still hold stages.
/// The cluster's state, not a bug: the CLI reports it as an error of --executor slurm. An InvalidOperationException, as
/// before, so callers that take a failed submission back keep catching it.
/// </summary>
public sealed class SlurmException(string message) : InvalidOperationException(message);
