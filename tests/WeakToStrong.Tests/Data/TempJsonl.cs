namespace WeakToStrong.Tests.Data;

/// <summary>A JSONL file in a fresh temp folder, deleted at dispose.</summary>
internal sealed class TempJsonl : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("w2s-data-").FullName;

    public string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
