using WeakToStrong.Protocol;
using WeakToStrong.Results;

namespace WeakToStrong.Sweeps;

/// <summary>
/// Content-addressed store of finished stages: <c>cache/&lt;kind&gt;/&lt;key&gt;.json</c>, where key is the SHA-256 of the
/// stage's canonical spec. An entry is written atomically (temporary file, then rename), so it is either absent or
/// complete: a process killed mid-stage leaves nothing and the stage is redone; readers never see half a file.
/// </summary>
public sealed class StageCache(string root)
{
    public string Root { get; } = root;

    /// <summary>What one cache file holds: the spec (for people and for checking), and the output.</summary>
    public sealed record Entry(string Key, StageSpec Spec, StageOutput Output, DateTime FinishedUtc);

    public string PathOf(StageSpec spec) => PathOf(spec.Kind, spec.Key);

    public string PathOf(StageKind kind, string key) => Path.Combine(Root, kind.ToString().ToLowerInvariant(), key + ".json");

    /// <summary>The lock file a process holds while computing the stage.</summary>
    public string LockPathOf(StageKind kind, string key) => Path.ChangeExtension(PathOf(kind, key), ".lock");

    public bool Contains(StageSpec spec) => File.Exists(PathOf(spec));

    public StageOutput? TryLoad(StageSpec spec)
    {
        var path = PathOf(spec);
        if (!File.Exists(path)) return null;
        try
        {
            var entry = Json.Deserialize<Entry>(File.ReadAllText(path));
            return entry.Key == spec.Key ? entry.Output : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // not ours or from an incompatible version: recompute and overwrite
        }
    }

    public void Save(StageSpec spec, StageOutput output) =>
        AtomicFile.WriteAllText(PathOf(spec), Json.Serialize(new Entry(spec.Key, spec, output, DateTime.UtcNow)));

    /// <summary>Claims the stage for this process, or returns null while another live process holds it.</summary>
    public StageLock? TryLock(StageSpec spec) => StageLock.TryAcquire(LockPathOf(spec.Kind, spec.Key));

    /// <summary>
    /// Deletes temporary files left by killed writers, so the folder does not fill up: those whose process is gone, or
    /// with <paramref name="olderThan"/>, those not written for that long whatever their PID says (on a filesystem shared
    /// by several hosts a PID means nothing elsewhere, while a live writer finishes its temporary within seconds).
    /// </summary>
    public int RemoveOrphanTemporaries(TimeSpan? olderThan = null)
    {
        if (!Directory.Exists(Root)) return 0;
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(Root, ".*.tmp", SearchOption.AllDirectories))
        {
            // AtomicFile names temporaries .<name>.<pid>.<guid>.tmp
            var parts = Path.GetFileName(file).Split('.');
            bool orphan = olderThan is { } age
                ? DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > age
                : parts.Length >= 4 && int.TryParse(parts[^3], out int pid) && !StageLock.IsAlive(pid, null);
            if (orphan)
            {
                try { File.Delete(file); removed++; } catch (IOException) { }
            }
        }
        return removed;
    }
}
