using System.Text;

namespace WeakToStrong.Sweeps.Slurm;

/// <summary>
/// The sbatch script of one array: every option as an #SBATCH line (so the file can be read, and resubmitted by hand),
/// then `w2s sweep-stage` for the array task's stage. Dependencies are given on sbatch's command line, since they name
/// job ids known only at submission. The script records the task's exit status in a file, because clusters without an
/// accounting database (and sacct) forget finished jobs after a few minutes.
/// </summary>
internal static class SlurmScript
{
    public static string Text(SlurmSubmission submission, SlurmArray array, SlurmOptions options, string resultsFolder)
    {
        var results = Path.GetFullPath(resultsFolder);
        var script = new StringBuilder();
        script.Append("#!/bin/bash\n");
        script.Append($"# w2s sweep, submission {submission.Number}, array {array.Index} ({array.Name}): {array.Keys.Count} stage(s), level {array.Level}.\n");
        script.Append($"# Array task i runs stage Keys[i] of array {array.Index} in {Path.Combine(submission.Folder, SlurmSubmission.FileName)}.\n");
        void Option(string text) => script.Append("#SBATCH ").Append(text).Append('\n');
        Option($"--job-name=w2s-{submission.Number}-{array.Name}");
        Option($"--array=0-{array.Keys.Count - 1}");
        Option($"--output={submission.LogPattern(array.Index)}");
        Option($"--chdir={results}");
        Option("--ntasks=1");
        Option($"--cpus-per-task={options.CpusPerTask}");
        if (options.Partition is { Length: > 0 } partition) Option($"--partition={partition}");
        if (options.Time is { Length: > 0 } time) Option($"--time={time}");
        if (options.Memory is { Length: > 0 } memory) Option($"--mem={memory}");
        foreach (var extra in options.ExtraOptions ?? []) Option(extra);
        script.Append('\n');
        script.Append($"status={Quote(Path.Combine(submission.Folder, "status", $"array-{array.Index}_"))}\"$SLURM_ARRAY_TASK_ID\"\n");
        script.Append("echo \"running $(hostname) $(date -u +%Y-%m-%dT%H:%M:%SZ)\" > \"$status\"\n");
        var command = options.Command.Concat(["sweep-stage", results, "--submission", submission.Number.ToString(), "--array", array.Index.ToString()]);
        script.Append(string.Join(' ', command.Select(Quote)))
            .Append(" --index \"$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-1}\" &\n");
        // In the background so that the TERM of scancel, a time limit or preemption is trapped at once and recorded.
        script.Append("child=$!\n");
        script.Append("trap 'kill -TERM $child 2>/dev/null; echo \"exit 143 terminated (scancel, time limit or preemption)\" > \"$status\"; exit 143' TERM\n");
        script.Append("wait $child\n");
        script.Append("code=$?\n");
        script.Append("echo \"exit $code\" > \"$status\"\n");
        script.Append("exit $code\n");
        return script.ToString();
    }

    /// <summary>A word for bash: single-quoted unless it is plainly safe.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
