using System.Diagnostics;
using WeakToStrong.Training;

namespace WeakToStrong.Cli;

/// <summary>
/// Stage progress on stderr: a redrawn bar on a terminal; when redirected, a plain line every few seconds and at the end
/// of each stage, so logs of long runs show life without flooding.
/// </summary>
internal sealed class ConsoleProgress(bool quiet) : IProgress<StageProgress>
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(10);
    private readonly bool terminal = !Console.IsErrorRedirected;
    private readonly Stopwatch stageClock = new();
    private string? stage;
    private TimeSpan lastLine;

    public void Report(StageProgress p)
    {
        if (quiet) return;
        if (p.Stage != stage) { stage = p.Stage; stageClock.Restart(); lastLine = TimeSpan.Zero; }
        var elapsed = stageClock.Elapsed;
        bool finished = p.Done >= p.Total;
        string eta = p.Done > 0 && !finished ? $" eta {Format(elapsed * ((double)(p.Total - p.Done) / p.Done))}" : "";
        string loss = p.Loss is double l ? $" loss {l:F3}" : "";
        string text = $"{p.Stage,-28} {p.Done,6}/{p.Total,-6} {Format(elapsed)}{eta}{loss}";
        if (terminal)
        {
            int width = 24, filled = (int)(width * p.Done / Math.Max(1, p.Total));
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {text}\u001b[K");
            if (finished) Console.Error.WriteLine();
        }
        else if (finished || elapsed - lastLine >= LineInterval)
        {
            lastLine = elapsed;
            Console.Error.WriteLine(text);
        }
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
}
