namespace WeakToStrong.Sweeps.Slurm;

/// <summary>
/// How stages are submitted to Slurm. Command: how a compute node starts w2s (e.g. ["dotnet", "/shared/w2s/w2s.dll"]);
/// it and the results folder must be on a filesystem every node sees. Partition, Time (sbatch --time, e.g. "2:00:00"),
/// CpusPerTask (also the stage's torch threads) and Memory (sbatch --mem, e.g. "8G") apply to every stage; ExtraOptions
/// are further sbatch options, one each (e.g. "--account=abc", "--gres=gpu:1"). A level with more stages than
/// MaxArraySize is split into several arrays (Slurm's MaxArraySize is 1001 by default).
/// </summary>
internal sealed record SlurmOptions(
    IReadOnlyList<string> Command,
    string? Partition = null,
    string? Time = null,
    int CpusPerTask = 1,
    string? Memory = null,
    IReadOnlyList<string>? ExtraOptions = null,
    int MaxArraySize = 1000);
