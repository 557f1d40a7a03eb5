namespace WeakToStrong.Data;

/// <summary>
/// A task as the command line names it: a built-in task by name, or a JSONL file of labelled texts or of preference
/// pairs (told apart by their fields), named after the file.
/// </summary>
public static class TaskLoader
{
    /// <summary>Whether a task entry (as in a sweep's task list) names a file rather than a built-in task.</summary>
    public static bool IsFile(string entry) => entry.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

    /// <summary>A built-in task, or a task file (see <see cref="IsFile"/>) with a test set held out of it.</summary>
    public static TaskData Load(string entry) => IsFile(entry) ? LoadFile(entry) : BuiltinTasks.Load(entry);

    /// <summary>A task file; its test set is held out of it unless <paramref name="testFile"/> is given.</summary>
    public static TaskData LoadFile(string file, string? testFile = null, JsonlFields? fields = null)
    {
        string name = Path.GetFileNameWithoutExtension(file);
        return PreferenceDataset.IsPreferenceFile(file)
            ? PreferenceDataset.LoadTask(name, file, testFile)
            : JsonlDataset.LoadTask(name, file, testFile, fields);
    }
}
