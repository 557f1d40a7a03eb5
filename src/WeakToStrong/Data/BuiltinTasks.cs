using System.Text.Json;

namespace WeakToStrong.Data;

/// <summary>
/// Tasks shipped with the library: each is a folder data/&lt;name&gt;/ next to the assembly holding task.json
/// (name, classes, description, provenance), train.jsonl and optionally test.jsonl. The build copies the repository's
/// data/ folder there, so adding a task means adding a folder.
/// </summary>
public static class BuiltinTasks
{
    public const string DefaultTask = "wordnet-definitions";

    /// <summary>The folder the library looks in: data/ next to the WeakToStrong assembly.</summary>
    public static string DataRoot => Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>The folders searched when no dataRoot is given: the shipped data/ next to the assembly, then the folder
    /// `w2s data prepare` writes to (W2S_DATA_DIR, else ~/.cache/w2s/data).</summary>
    public static IReadOnlyList<string> SearchRoots => [DataRoot, Sources.DataPaths.PreparedRoot];

    public static IReadOnlyList<string> Names(string? dataRoot = null)
    {
        var roots = dataRoot is null ? SearchRoots : [dataRoot];
        return roots.Where(Directory.Exists)
            .SelectMany(Directory.GetDirectories)
            .Where(d => File.Exists(Path.Combine(d, "task.json")))
            .Select(Path.GetFileName).OfType<string>()
            .Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The folder holding the task: the first search root that has it, or null.</summary>
    public static string? Folder(string name, string? dataRoot = null) =>
        (dataRoot is null ? SearchRoots : [dataRoot]).Select(r => Path.Combine(r, name))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "task.json")));

    public static bool Exists(string name, string? dataRoot = null) => Names(dataRoot).Contains(name);

    public static TaskData Load(string name, string? dataRoot = null)
    {
        var names = Names(dataRoot);
        var dir = Folder(name, dataRoot);
        if (dir is null)
        {
            var where = string.Join(", ", dataRoot is null ? SearchRoots : [dataRoot]);
            var available = names.Count == 0 ? $"none found in {where} (is the data folder copied next to the library?)" : string.Join(", ", names);
            var buildable = Tasks.TaskRegistry.Find(name) is not null
                ? $" Task '{name}' is not prepared yet: run `w2s data prepare {name}`."
                : "";
            throw new ArgumentException(
                $"Unknown built-in task '{name}'.{buildable} Available tasks: {available}. " +
                "For your own data, load a JSONL file (one {\"text\", \"label\"} object per line).", nameof(name));
        }
        var metaPath = Path.Combine(dir, "task.json");
        using var meta = JsonDocument.Parse(File.ReadAllBytes(metaPath));
        var m = meta.RootElement;
        string[]? classes = m.TryGetProperty("classes", out var c) ? c.EnumerateArray().Select(x => x.GetString()!).ToArray() : null;
        string provenance = m.TryGetProperty("provenance", out var p) ? p.GetString()! : $"built-in task {name}";
        string inputs = m.TryGetProperty("inputs", out var i) ? i.GetString()! : InputKinds.Text;
        var test = Path.Combine(dir, "test.jsonl");
        return JsonlDataset.LoadTask(name, Path.Combine(dir, "train.jsonl"), File.Exists(test) ? test : null,
            classNames: classes, provenance: provenance) with { Inputs = inputs };
    }
}
