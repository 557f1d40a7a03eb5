using System.Text.Json;

namespace WeakToStrong.Data;

/// <summary>
/// Tasks shipped with the library: each is a folder data/&lt;name&gt;/ next to the assembly holding task.json
/// (name, classes, description, provenance), train.jsonl and optionally test.jsonl. The build copies the repository's
/// data/ folder there, so adding a task means adding a folder.
/// </summary>
public static class BuiltinTasks
{
    public const string DefaultTask = "wordnet-gloss";

    /// <summary>The folder the library looks in: data/ next to the WeakToStrong assembly.</summary>
    public static string DataRoot => Path.Combine(AppContext.BaseDirectory, "data");

    public static IReadOnlyList<string> Names(string? dataRoot = null)
    {
        var root = dataRoot ?? DataRoot;
        if (!Directory.Exists(root)) return [];
        return Directory.GetDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "task.json")))
            .Select(Path.GetFileName).OfType<string>()
            .Order(StringComparer.Ordinal).ToList();
    }

    public static bool Exists(string name, string? dataRoot = null) => Names(dataRoot).Contains(name);

    public static TaskData Load(string name, string? dataRoot = null)
    {
        var root = dataRoot ?? DataRoot;
        var names = Names(root);
        if (!names.Contains(name))
        {
            var available = names.Count == 0 ? $"none found in {root} (is the data folder copied next to the library?)" : string.Join(", ", names);
            throw new ArgumentException(
                $"Unknown built-in task '{name}'. Available built-in tasks: {available}. " +
                "For your own data, load a JSONL file (one {\"text\", \"label\"} object per line).", nameof(name));
        }
        var dir = Path.Combine(root, name);
        var metaPath = Path.Combine(dir, "task.json");
        using var meta = JsonDocument.Parse(File.ReadAllBytes(metaPath));
        var m = meta.RootElement;
        string[]? classes = m.TryGetProperty("classes", out var c) ? c.EnumerateArray().Select(x => x.GetString()!).ToArray() : null;
        string provenance = m.TryGetProperty("provenance", out var p) ? p.GetString()! : $"built-in task {name}";
        var test = Path.Combine(dir, "test.jsonl");
        return JsonlDataset.LoadTask(name, Path.Combine(dir, "train.jsonl"), File.Exists(test) ? test : null,
            classNames: classes, provenance: provenance);
    }
}
