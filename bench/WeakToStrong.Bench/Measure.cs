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

    /// <summary>
    /// Two systems on the same work, in alternating rounds (A then B, then B then A, ...), so drifting machine load hits
    /// both alike. Returns each side's median seconds per run and the per-round ratios timeB / timeA (A's speed-up).
    /// </summary>
    public static (double A, double B, double[] Ratios) Interleaved(int warmup, int rounds, int runsPerRound, Action a, Action b)
    {
        for (int i = 0; i < warmup; i++) { a(); b(); }
        var timesA = new List<double>();
        var timesB = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            double Time(Action run) => SecondsPerRun(0, runsPerRound, run);
            if (round % 2 == 0) { timesA.Add(Time(a)); timesB.Add(Time(b)); }
            else { timesB.Add(Time(b)); timesA.Add(Time(a)); }
        }
        var ratios = timesA.Select((t, i) => timesB[i] / t).ToArray();
        return (Median(timesA), Median(timesB), ratios);
    }

    /// <summary>
    /// Milliseconds of libtorch's bf16 softmax over [32, 12, 128, 128] scores (median of the calls in one second, after one
    /// warm-up): the kernel that a slow stretch of the test VM slowed about 13× in every process while GEMMs kept their
    /// speed. Taken before each timed section, so that a run can say whether such a stretch fell inside it. A second's
    /// median, because the same VM also has blips of a tenth of a second in which this kernel runs 7× slower: a median of
    /// a few calls flagged sections that such a blip did not move.
    /// </summary>
    public static double SoftmaxProbeMilliseconds()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var scores = TorchSharp.torch.randn(32, 12, 128, 128).to_type(TorchSharp.torch.ScalarType.BFloat16);
        double Once()
        {
            var clock = Stopwatch.StartNew();
            using var _ = TorchSharp.torch.nn.functional.softmax(scores, -1);
            return clock.Elapsed.TotalMilliseconds;
        }
        Once();
        var times = new List<double>();
        var window = Stopwatch.StartNew();
        while (times.Count < 5 || window.Elapsed.TotalSeconds < 1) times.Add(Once());
        return Median(times);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The 1-minute load average and what it means on this many cores.</summary>
    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;

    /// <summary>The kernel's transparent-huge-page mode (always, madvise or never): it sets the cost of page faults in training.</summary>
    public static string TransparentHugePages()
    {
        const string path = "/sys/kernel/mm/transparent_hugepage/enabled";
        if (!File.Exists(path)) return "";
        var text = File.ReadAllText(path);
        int open = text.IndexOf('['), close = text.IndexOf(']');
        return open >= 0 && close > open ? text[(open + 1)..close] : text.Trim();
    }
}
