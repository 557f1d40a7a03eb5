using System.Diagnostics;

namespace WeakToStrong.Bench;

/// <summary>Timing helpers: warm-up runs first (allocator, kernels, thread pools), then the mean of the timed runs.</summary>
internal static class Measure
{
    public static double SecondsPerRun(int warmup, int runs, Action run)
    {
        for (int i = 0; i < warmup; i++) run();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < runs; i++) run();
        return clock.Elapsed.TotalSeconds / runs;
    }

    /// <summary>The 1-minute load average and what it means on this many cores.</summary>
    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
}
