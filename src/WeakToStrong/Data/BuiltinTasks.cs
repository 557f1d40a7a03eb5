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

    /// <summary>Task names are names, never paths: they are looked up under the data folders and name output folders.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name.Trim('.').Length > 0;

    /// <summary>Throws unless <paramref name="name"/> can be a task name (see <see cref="IsValidName"/>).</summary>
    public static void RequireName(string name, string subject = "")
    {
        if (!IsValidName(name))
            throw new UserInputException(subject, $"'{name}' is not a task name (task names are letters, digits, '-', '_' and '.', without folders)",
                "`w2s tasks` lists the built-in tasks; give your own data as a file with --data FILE.jsonl (or a .jsonl entry in --tasks).");
    }

    public static TaskData Load(string name, string? dataRoot = null)
    {
        RequireName(name);
        var names = Names(dataRoot);
        var dir = Folder(name, dataRoot);
        if (dir is null)
        {
            var where = string.Join(", ", dataRoot is null ? SearchRoots : [dataRoot]);
            var available = names.Count == 0 ? $"none found in {where} (is the data folder copied next to the library?)" : string.Join(", ", names);
            var buildable = Tasks.TaskRegistry.Find(name) is not null
                ? $" Task '{name}' is not prepared yet: run `w2s data prepare {name}`."
                : "";
            throw new UserInputException("", $"Unknown built-in task '{name}'.{buildable} Available tasks: {available}",
                "For your own data, give a JSONL file (one {\"text\", \"label\"} object per line) with --data.");
        }
        var metaPath = Path.Combine(dir, "task.json");
        var (classes, provenance, inputs) = ReadMeta(metaPath, name);
        var test = Path.Combine(dir, "test.jsonl");
        return JsonlDataset.LoadTask(name, Path.Combine(dir, "train.jsonl"), File.Exists(test) ? test : null,
            classNames: classes, provenance: provenance) with { Inputs = inputs };
    }

    /// <summary>task.json's classes, provenance and inputs, with errors that name the file and the field.</summary>
    private static (string[]? Classes, string Provenance, string Inputs) ReadMeta(string path, string name)
    {
        string Fix(string what) => Tasks.TaskRegistry.Find(name) is null ? $"{what}; restore or rewrite the file."
            : $"{what}; rebuild the task with `w2s data prepare {name} --force`, or restore the file.";
        JsonDocument meta;
        try { meta = JsonDocument.Parse(File.ReadAllBytes(path)); }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, null, null, Fix($"is not valid JSON ({e.Message.Split(" Path:")[0]})"), e);
        }
        using (meta)
        {
            var m = meta.RootElement;
            if (m.ValueKind != JsonValueKind.Object) throw new DatasetFormatException(path, null, null, Fix("is not a JSON object"));
            string? Text(string field, string fallback) => !m.TryGetProperty(field, out var v) ? fallback
                : v.ValueKind == JsonValueKind.String ? JsonlLines.String(v, path, null, field) : throw new DatasetFormatException(path, null, field, Fix("must be a string"));
            string[]? classes = null;
            if (m.TryGetProperty("classes", out var c))
            {
                if (c.ValueKind != JsonValueKind.Array || c.GetArrayLength() < 2 || c.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
                    throw new DatasetFormatException(path, null, "classes", Fix("must be a list of at least two class names"));
                classes = c.EnumerateArray().Select(x => JsonlLines.String(x, path, null, "classes")).ToArray();
            }
            return (classes, Text("provenance", $"built-in task {name}")!, Text("inputs", InputKinds.Text)!);
        }
    }
}
