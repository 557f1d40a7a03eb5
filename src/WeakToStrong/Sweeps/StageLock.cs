using System.Diagnostics;

namespace WeakToStrong.Sweeps;

/// <summary>
/// A lock file saying "process P is computing this stage", so two sweeps sharing a results folder do not both train it.
/// Created with CreateNew (atomic on POSIX); holds the PID and the process start time. A lock whose process is gone
/// (killed, crashed) or whose PID now belongs to a different process is stale and is taken over.
/// Correctness does not depend on it: cache entries are written atomically, so at worst a stage is computed twice.
/// </summary>
internal sealed class StageLock : IDisposable
{
    private readonly string path;

    private StageLock(string path) => this.path = path;

    public static StageLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                using (var writer = new StreamWriter(stream))
                    writer.Write($"{Environment.ProcessId} {StartTicks(Process.GetCurrentProcess())}");
                return new StageLock(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                if (IsHeld(path)) return null;
                try { File.Delete(path); } catch (IOException) { } // stale: its owner is gone
            }
        }
        return null;
    }

    /// <summary>The lock, once no other live process holds it (looking again every <paramref name="poll"/>).</summary>
    public static StageLock Wait(string path, TimeSpan poll)
    {
        while (true)
        {
            if (TryAcquire(path) is { } acquired) return acquired;
            Thread.Sleep(poll);
        }
    }

    /// <summary>True while the lock file exists and names a live process.</summary>
    public static bool IsHeld(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException) { return false; }
        var parts = text.Split(' ');
        // A lock being written right now may still be empty: treat it as held.
        if (parts.Length < 2 || !int.TryParse(parts[0], out int pid) || !long.TryParse(parts[1], out long ticks))
            return File.Exists(path) && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < TimeSpan.FromSeconds(10);
        return IsAlive(pid, ticks);
    }

    /// <summary>Whether process <paramref name="pid"/> runs and (when given) started at <paramref name="startTicks"/>.</summary>
    public static bool IsAlive(int pid, long? startTicks)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited) return false;
            return startTicks is null || StartTicks(process) == startTicks;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static long StartTicks(Process process)
    {
        try { return process.StartTime.ToUniversalTime().Ticks / TimeSpan.TicksPerSecond; }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException) { return 0; }
    }

    public void Dispose()
    {
        try { File.Delete(path); } catch (IOException) { }
    }
}
