namespace WeakToStrong.Sweeps.Slurm;

/// <summary>
/// Slurm cannot do what the sweep asks: its tools are missing, fail or do not answer, or earlier jobs still hold stages.
/// The cluster's state, not a bug: the CLI reports it as an error of --executor slurm. An InvalidOperationException,
/// so the executor, which takes a failed submission back, catches it.
/// </summary>
internal sealed class SlurmException(string message) : InvalidOperationException(message);
