using System.CommandLine;
using WeakToStrong.Protocol;
using WeakToStrong.Sweeps;
using WeakToStrong.Sweeps.Slurm;
using WeakToStrong.Training;

namespace WeakToStrong.Cli;

/// <summary>
/// `w2s sweep-stage` (hidden): what one Slurm array task runs. It reads its stage from the submission file, prepares
/// that stage's data only (one task, one seed) and computes the stage into the shared cache.
/// </summary>
internal static class SweepStageCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("results") { Description = "Results folder of the sweep" };
        var submission = new Option<int>("--submission") { Description = "Submission number (RESULTS/slurm/NNN)", Required = true };
        var array = new Option<int>("--array") { Description = "Array of the submission", Required = true };
        var index = new Option<int>("--index") { Description = "Array task index (SLURM_ARRAY_TASK_ID)", Required = true };
        var threads = new Option<int>("--threads") { Description = "Torch threads", DefaultValueFactory = _ => 1 };
        var command = new Command("sweep-stage", "Run one stage of a submitted sweep (what a Slurm array task runs).")
        {
            folder, submission, array, index, threads,
        };
        command.Hidden = true;
        command.SetAction(r => CliErrors.Guard(() =>
        {
            var results = r.GetValue(folder)!;
            OptionChecks.Threads("--threads", r.GetValue(threads));
            var sub = SlurmSubmission.Load(SlurmSubmission.FolderOf(results, r.GetValue(submission)));
            int a = r.GetValue(array), i = r.GetValue(index);
            if (a < 0 || a >= sub.Arrays.Count || i < 0 || i >= sub.Arrays[a].Keys.Count)
                throw new UserInputException("--array/--index", $"submission {sub.Number} has no array task {a}_{i}");
            var spec = sub.Stage(sub.Arrays[a].Keys[i]);
            Console.Error.WriteLine($"w2s sweep-stage: {spec.Describe()} [{spec.Key}] on {Environment.MachineName}, {DateTime.UtcNow:u}");
            // The plan names a task by its --tasks entry (stage keys include it), so a relative file is found from the
            // submitting directory rather than renamed to an absolute path.
            var entry = sub.Config.Tasks.FirstOrDefault(t => t == spec.Task)
                        ?? throw new UserInputException(sub.Folder, $"task {spec.Task} is not in the submission's configuration (damaged submission?)");
            var task = WeakToStrong.Data.TaskLoader.IsFile(entry)
                ? SweepCommand.LoadTask(Path.Combine(sub.WorkingDirectory, entry))
                : SweepCommand.LoadTask(entry);
            var (split, _) = TaskPreparation.Prepare(task, spec.Seed, sub.Config.MaxTrain, sub.Config.MaxTest);
            TorchRuntime.Initialize(r.GetValue(threads));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var cache = new StageCache(Path.Combine(results, "cache"));
            var outcome = StageTask.Run(spec, split, cache, new ConsoleProgress(false));
            Console.Error.WriteLine(outcome == StageTask.Outcome.Computed
                ? $"w2s sweep-stage: done in {clock.Elapsed.TotalSeconds:F1} s: {cache.PathOf(spec)}"
                : $"w2s sweep-stage: already finished: {cache.PathOf(spec)}");
        }));
        return command;
    }
}
