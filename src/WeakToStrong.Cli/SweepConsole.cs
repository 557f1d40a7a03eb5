using System.Diagnostics;
using WeakToStrong.Results;
using WeakToStrong.Sweeps;
using WeakToStrong.Training;

namespace WeakToStrong.Cli;

/// <summary>
/// A sweep's progress. On a terminal: one redrawn status line (done/total, elapsed, time left, current stage and its
/// step) plus a permanent line per finished stage. Redirected: a line per finished stage and a status line every
/// 10 s. With --json: one JSON object per line on stdout for each stage event, nothing on stderr.
/// </summary>
internal sealed class SweepConsole(bool json) : IProgress<SweepProgress>, IProgress<StageProgress>
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(10);
    private readonly bool terminal = !Console.IsErrorRedirected;
    private readonly Stopwatch sinceLine = Stopwatch.StartNew();
    private SweepProgress? last;
    private StageProgress? step;

    public void Report(SweepProgress p)
    {
        last = p;
        step = null;
        if (json)
        {
            if (p.Event != SweepEvent.Waiting || p.Note is not null || sinceLine.Elapsed >= LineInterval)
            {
                sinceLine.Restart();
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                {
                    @event = p.Event.ToString(), done = p.Done, total = p.Total, executed = p.Executed, stage = p.Stage?.Describe(),
                    key = p.Stage?.Key, elapsedSeconds = Math.Round(p.Elapsed.TotalSeconds, 1),
                    estimatedSecondsLeft = p.Remaining is { } r ? Math.Round(r.TotalSeconds) : (double?)null, stageSeconds = p.StageSeconds,
                    note = p.Note,
                }));
            }
            return;
        }
        switch (p.Event)
        {
            case SweepEvent.Planned:
                Line($"sweep: {p.Total} stages, {p.Done} already finished" +
                     (p.Remaining is null ? "" : $"; estimated time left {Format(p.Remaining)} (a rough estimate)"));
                if (p.Note is { } planned) Line(planned);
                break;
            case SweepEvent.Finished:
                Line($"[{p.Done}/{p.Total}] done {p.Stage!.Describe()} in {p.StageSeconds:F1} s; elapsed {Format(p.Elapsed)}" +
                     (p.Remaining is null ? "" : $", left ~{Format(p.Remaining)}"));
                break;
            case SweepEvent.FoundFinished:
                Line($"[{p.Done}/{p.Total}] finished by another process: {p.Stage!.Describe()}");
                break;
            case SweepEvent.Waiting when p.Note is { } note: // a cluster executor says what it waits for (and paces itself)
                Line($"[{p.Done}/{p.Total}] {Format(p.Elapsed)} elapsed | {note}");
                break;
            case SweepEvent.Waiting:
                if (sinceLine.Elapsed >= LineInterval) Line($"waiting for stages another sweep is computing (next: {p.Stage!.Describe()})");
                break;
            case SweepEvent.Started:
                Status();
                break;
        }
    }

    public void Report(StageProgress p)
    {
        step = p;
        if (json) return;
        if (terminal || sinceLine.Elapsed >= LineInterval) Status();
    }

    private void Status()
    {
        if (last is not { } p || json) return;
        string stage = p.Stage?.Describe() ?? "";
        string inner = step is { } s ? $" | {s.Stage} {s.Done}/{s.Total}" : "";
        string text = $"[{p.Done}/{p.Total}] {Format(p.Elapsed)} elapsed, ~{Format(p.Remaining)} left | {stage}{inner}";
        if (terminal)
        {
            int width = Math.Max(40, SafeWidth() - 1);
            Console.Error.Write("\r" + (text.Length > width ? text[..width] : text) + "\u001b[K");
        }
        else
        {
            sinceLine.Restart();
            Console.Error.WriteLine(text);
        }
    }

    private void Line(string text)
    {
        sinceLine.Restart();
        Console.Error.WriteLine(terminal ? "\r" + text + "\u001b[K" : text);
    }

    private static int SafeWidth()
    {
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 120; } catch (IOException) { return 120; }
    }

    internal static string Format(TimeSpan? t) => t is not { } v ? "?" : v.TotalHours >= 1 ? v.ToString(@"h\:mm\:ss") : v.ToString(@"m\:ss");
}
