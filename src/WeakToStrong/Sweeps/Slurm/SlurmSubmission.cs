using WeakToStrong.Protocol;
using WeakToStrong.Results;

namespace WeakToStrong.Sweeps.Slurm;

/// <summary>
/// One `w2s sweep --executor slurm` submission, saved as RESULTS/slurm/NNN/submission.json before any job starts: the
/// sweep configuration and the directory it was submitted from (how a job loads its task's data: relative task files
/// are found from there), the stages to run (their full specs, so a job needs no plan) and the arrays with their job ids. Beside it: the sbatch scripts, logs/ (one log per array task) and status/ (each
/// task's exit status, which the job script writes: no accounting database needed).
/// </summary>
internal sealed record SlurmSubmission(
    int Number, DateTime SubmittedUtc, SweepConfig Config, string WorkingDirectory, IReadOnlyList<SlurmArray> Arrays, IReadOnlyList<StageSpec> Stages)
{
    public const string FileName = "submission.json";

    /// <summary>The submission's folder (not stored: the results folder may move).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Folder { get; init; } = "";

    public static string Root(string resultsFolder) => Path.Combine(resultsFolder, "slurm");

    public static string FolderOf(string resultsFolder, int number) => Path.Combine(Root(resultsFolder), number.ToString("D3"));

    public string ScriptPath(int array) => Path.Combine(Folder, $"array-{array}.sbatch");

    /// <summary>The log of one array task (sbatch --output pattern with %a for the task).</summary>
    public string LogPath(int array, int task) => Path.Combine(Folder, "logs", $"array-{array}_{task}.log");

    public string LogPattern(int array) => Path.Combine(Folder, "logs", $"array-{array}_%a.log");

    /// <summary>The file where the job script records "running HOST TIME" and then "exit CODE".</summary>
    public string StatusPath(int array, int task) => Path.Combine(Folder, "status", $"array-{array}_{task}");

    public StageSpec Stage(string key) => Stages.FirstOrDefault(s => s.Key == key)
        ?? throw new InvalidOperationException($"stage {key} is not part of submission {Number} ({Folder})");

    public void Save()
    {
        Directory.CreateDirectory(Path.Combine(Folder, "logs"));
        Directory.CreateDirectory(Path.Combine(Folder, "status"));
        AtomicFile.WriteAllText(Path.Combine(Folder, FileName), Json.Serialize(this));
    }

    public static SlurmSubmission Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new UserInputException(path, $"not found, so {folder} holds no Slurm submission");
        SlurmSubmission? submission = null;
        try { submission = Json.Deserialize<SlurmSubmission>(File.ReadAllText(path)); }
        catch (System.Text.Json.JsonException) { }
        if (submission?.Arrays is null || submission.Config is null)
            throw new UserInputException(path, "is damaged (not a complete submission record)",
                $"Move the folder {folder} aside and run the sweep command again: it submits what is not finished.");
        return submission with { Folder = Path.GetFullPath(folder) };
    }

    /// <summary>Every submission into a results folder, oldest first.</summary>
    public static IReadOnlyList<SlurmSubmission> All(string resultsFolder)
    {
        var root = Root(resultsFolder);
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateDirectories(root)
            .Where(d => int.TryParse(Path.GetFileName(d), out _) && File.Exists(Path.Combine(d, FileName)))
            .Select(Load).OrderBy(s => s.Number).ToList();
    }
}
