using WeakToStrong.Protocol;
using WeakToStrong.Results;

namespace WeakToStrong.Sweeps;

/// <summary>
/// Content-addressed store of finished stages: <c>cache/&lt;kind&gt;/&lt;key&gt;.json</c>, where key is the SHA-256 of the
/// stage's canonical spec. An entry is written atomically (temporary file, then rename), so it is either absent or
/// complete: a process killed mid-stage leaves nothing and the stage is redone; readers never see half a file. An entry
/// that cannot be read all the same (damaged on disk, cut short by a copy, from another program) counts as missing:
/// the stage is computed again and overwrites it, with a warning naming the file.
/// </summary>
public sealed class StageCache(string root)
{
    public string Root { get; } = root;

    /// <summary>Where warnings about unreadable entries go (once per file); null: nowhere.</summary>
    public Action<string>? Warn { get; init; } = message => Console.Error.WriteLine("w2s: warning: " + message);

    // Entries already read, by path, with the file's length and time: a sweep asks about each stage many times.
    private readonly Dictionary<string, (long Length, DateTime Written, Entry? Entry, string? Problem)> read = new();
    private readonly HashSet<string> warned = new();

    /// <summary>What one cache file holds: the spec (for people and for checking), and the output.</summary>
    internal sealed record Entry(string Key, StageSpec Spec, StageOutput Output, DateTime FinishedUtc);

    public string PathOf(StageSpec spec) => PathOf(spec.Kind, spec.Key);

    public string PathOf(StageKind kind, string key) => Path.Combine(Root, kind.ToString().ToLowerInvariant(), key + ".json");

    /// <summary>The lock file a process holds while computing the stage.</summary>
    public string LockPathOf(StageKind kind, string key) => Path.ChangeExtension(PathOf(kind, key), ".lock");

    /// <summary>Whether the stage is finished: its entry exists and reads back as this stage's output.</summary>
    public bool Contains(StageSpec spec) => TryLoad(spec) is not null;

    /// <summary>As <see cref="Contains"/>, by kind and key (for status, which has no specs).</summary>
    public bool Contains(StageKind kind, string key) => Read(PathOf(kind, key), key).Entry is not null;

    /// <summary>Why an existing entry does not count as finished, or null (no entry, or a good one).</summary>
    public string? ProblemOf(StageKind kind, string key) => Read(PathOf(kind, key), key).Problem;

    internal StageOutput? TryLoad(StageSpec spec) => Read(PathOf(spec), spec.Key).Entry?.Output;

    private (Entry? Entry, string? Problem) Read(string path, string key)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists) return (null, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (null, null); }
        lock (read)
        {
            if (read.TryGetValue(path, out var seen) && seen.Length == info.Length && seen.Written == info.LastWriteTimeUtc)
                return (seen.Entry, seen.Problem);
        }
        Entry? entry = null;
        string? problem = null;
        try
        {
            entry = Json.Deserialize<Entry>(File.ReadAllText(path));
            if (entry?.Output?.Result is null || entry.Output.TestProbabilities is null) { problem = "it holds no stage output"; entry = null; }
            else if (entry.Key != key) { problem = $"it holds the stage {entry.Key}, not {key}"; entry = null; }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            problem = e is System.Text.Json.JsonException ? "it is not valid JSON (cut short or damaged)" : e.Message;
        }
        lock (read)
        {
            read[path] = (info.Length, info.LastWriteTimeUtc, entry, problem);
            if (problem is not null && warned.Add(path))
                Warn?.Invoke($"{path}: unreadable stage-cache entry ({problem}); the stage counts as not finished and is computed again.");
        }
        return (entry, problem);
    }

    internal void Save(StageSpec spec, StageOutput output)
    {
        var path = PathOf(spec);
        AtomicFile.WriteAllText(path, Json.Serialize(new Entry(spec.Key, spec, output, DateTime.UtcNow)));
        lock (read) read.Remove(path);
    }

    /// <summary>How often <see cref="Cached"/> looks again at a stage another process is computing.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The stage's output: loaded when it is finished, else computed and saved. While another live process computes it,
    /// waits for that process's result.
    /// </summary>
    internal StageOutput Cached(StageSpec spec, Func<StageOutput> compute)
    {
        while (true)
        {
            if (TryCached(spec, compute) is { } done) return done.Output;
            Thread.Sleep(PollInterval);
        }
    }

    /// <summary>
    /// As <see cref="Cached"/>, but returns null at once while another live process computes the stage (so the caller
    /// can do other work meanwhile). The stage's lock keeps two processes from computing it at the same time.
    /// </summary>
    internal CachedOutput? TryCached(StageSpec spec, Func<StageOutput> compute)
    {
        if (TryLoad(spec) is { } finished) return new CachedOutput(finished, Computed: false);
        using var claim = TryLock(spec);
        if (claim is null) return null;
        if (TryLoad(spec) is { } finishedMeanwhile) return new CachedOutput(finishedMeanwhile, Computed: false);
        var output = compute();
        Save(spec, output);
        return new CachedOutput(output, Computed: true);
    }

    /// <summary>A stage's output, and whether this process computed it (rather than loading it).</summary>
    internal sealed record CachedOutput(StageOutput Output, bool Computed);

    /// <summary>Claims the stage for this process, or returns null while another live process holds it.</summary>
    internal StageLock? TryLock(StageSpec spec) => StageLock.TryAcquire(LockPathOf(spec.Kind, spec.Key));

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
