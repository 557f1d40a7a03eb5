using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace WeakToStrong.Chess;

/// <summary>
/// A UCI engine (Stockfish) in a child process: handshake (uci/isready), options, searches with depth/node/time limits and
/// MultiPV, perft. A search that overruns its timeout or an engine that dies is restarted and the request retried once;
/// Dispose sends quit and kills the process if it does not exit.
/// </summary>
internal sealed class UciEngine : IDisposable
{
    private readonly EngineOptions options;
    private Process? process;
    private BlockingCollection<string>? lines;
    private int multiPv = 1;
    private readonly object gate = new();

    public UciEngine(EngineOptions? options = null)
    {
        this.options = options ?? new EngineOptions();
        Start();
    }

    /// <summary>The engine's name as it reports it ("id name ...").</summary>
    public string Name { get; private set; } = "";

    /// <summary>How often the process was restarted after a crash or timeout.</summary>
    public int Restarts { get; private set; }

    public int ProcessId => process?.Id ?? -1;

    /// <summary>Searches the position (FEN, optionally followed by UCI moves) and returns the best move and the top lines.</summary>
    public Analysis Analyse(string fen, SearchLimit limit, int multiPv = 1, IReadOnlyList<string>? moves = null)
    {
        if (multiPv < 1) throw new ArgumentOutOfRangeException(nameof(multiPv));
        return WithRetry(() => Search(fen, limit, multiPv, moves));
    }

    /// <summary>`go perft N`: leaf counts per root move, as the engine counts them.</summary>
    public IReadOnlyDictionary<string, long> Perft(string fen, int depth) => WithRetry(() =>
    {
        Send($"position fen {fen}");
        Send($"go perft {depth}");
        var counts = new Dictionary<string, long>();
        while (true)
        {
            var line = Read(options.Timeout);
            if (line.StartsWith("Nodes searched", StringComparison.Ordinal)) return counts;
            var colon = line.IndexOf(':');
            if (colon is 4 or 5 && long.TryParse(line[(colon + 1)..].Trim(), out var n)) counts[line[..colon]] = n;
        }
    });

    /// <summary>Clears the engine's hash and history, so a search does not depend on the ones before it.</summary>
    public void NewGame()
    {
        lock (gate)
        {
            Send("ucinewgame");
            Ready();
        }
    }

    private T WithRetry<T>(Func<T> request)
    {
        lock (gate)
        {
            try { return request(); }
            catch (Exception e) when (e is TimeoutException or EngineDiedException or IOException)
            {
                Restart();
                try { return request(); }
                catch (Exception again) when (again is TimeoutException or EngineDiedException or IOException)
                {
                    Restart(); // leave a clean engine behind for the next request
                    throw;
                }
            }
        }
    }

    private Analysis Search(string fen, SearchLimit limit, int pvs, IReadOnlyList<string>? moves)
    {
        if (pvs != multiPv)
        {
            Send($"setoption name MultiPV value {pvs}");
            multiPv = pvs;
        }
        Send(moves is { Count: > 0 } ? $"position fen {fen} moves {string.Join(' ', moves)}" : $"position fen {fen}");
        Send(limit.GoCommand());
        var best = new Dictionary<int, PvLine>();
        var deadline = Stopwatch.StartNew();
        var allowed = options.Timeout + TimeSpan.FromMilliseconds(limit.MoveTimeMs ?? 0);
        while (true)
        {
            var remaining = allowed - deadline.Elapsed;
            if (remaining <= TimeSpan.Zero) throw new TimeoutException($"engine search exceeded {allowed.TotalSeconds:F0} s");
            var line = Read(remaining);
            if (line.StartsWith("info ", StringComparison.Ordinal) && ParseInfo(line) is { } pv) best[pv.Rank] = pv;
            else if (line.StartsWith("bestmove", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                string move = parts.Length > 1 ? parts[1] : "(none)";
                return new Analysis(move, best.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList());
            }
        }
    }

    /// <summary>Reads an "info ... multipv k score ... pv ..." line; lines without a pv (or bound-only scores) are skipped.</summary>
    internal static PvLine? ParseInfo(string line)
    {
        var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int depth = 0, rank = 1;
        int? cp = null, mate = null;
        bool bound = false;
        List<string>? pv = null;
        for (int i = 1; i < t.Length; i++)
        {
            switch (t[i])
            {
                case "depth" when i + 1 < t.Length: depth = int.Parse(t[++i], CultureInfo.InvariantCulture); break;
                case "multipv" when i + 1 < t.Length: rank = int.Parse(t[++i], CultureInfo.InvariantCulture); break;
                case "score" when i + 2 < t.Length:
                    if (t[i + 1] == "cp") cp = int.Parse(t[i + 2], CultureInfo.InvariantCulture);
                    else if (t[i + 1] == "mate") mate = int.Parse(t[i + 2], CultureInfo.InvariantCulture);
                    i += 2;
                    break;
                case "lowerbound" or "upperbound": bound = true; break;
                case "pv": pv = t.Skip(i + 1).ToList(); i = t.Length; break;
            }
        }
        if (pv is null || bound || (cp is null && mate is null)) return null;
        return new PvLine(rank, depth, new EngineScore(cp, mate), pv);
    }

    private void Start()
    {
        var psi = new ProcessStartInfo(options.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var queue = new BlockingCollection<string>();
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        p.OutputDataReceived += (_, e) => { if (e.Data is null) queue.CompleteAdding(); else if (!queue.IsAddingCompleted) queue.Add(e.Data); };
        p.ErrorDataReceived += (_, _) => { };
        if (!p.Start()) throw new InvalidOperationException($"could not start the engine {options.Path}");
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        process = p;
        lines = queue;
        multiPv = 1;
        Send("uci");
        while (true)
        {
            var line = Read(options.StartTimeout);
            if (line.StartsWith("id name ", StringComparison.Ordinal)) Name = line[8..];
            if (line == "uciok") break;
        }
        Send($"setoption name Threads value {options.Threads}");
        Send($"setoption name Hash value {options.HashMb}");
        if (options.SkillLevel is { } skill) Send($"setoption name Skill Level value {Math.Clamp(skill, 0, 20)}");
        Ready();
    }

    private void Ready()
    {
        Send("isready");
        while (Read(options.StartTimeout) != "readyok") { }
    }

    private void Restart()
    {
        Kill();
        Restarts++;
        Start();
    }

    private void Send(string command)
    {
        if (process is null || process.HasExited) throw new EngineDiedException();
        process.StandardInput.WriteLine(command);
        process.StandardInput.Flush();
    }

    private string Read(TimeSpan timeout)
    {
        var queue = lines ?? throw new EngineDiedException();
        try
        {
            if (queue.TryTake(out var line, timeout)) return line;
        }
        catch (InvalidOperationException) { } // completed: the process closed its output
        if (queue.IsCompleted) throw new EngineDiedException();
        throw new TimeoutException($"no answer from the engine within {timeout.TotalSeconds:F0} s");
    }

    private void Kill()
    {
        if (process is null) return;
        try { if (!process.HasExited) process.Kill(); } catch (InvalidOperationException) { }
        process.Dispose();
        process = null;
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (process is null) return;
            try
            {
                if (!process.HasExited)
                {
                    process.StandardInput.WriteLine("quit");
                    process.StandardInput.Flush();
                    process.WaitForExit(2000);
                }
            }
            catch (IOException) { }
            Kill();
        }
    }

    /// <summary>The engine process exited or closed its output.</summary>
    public sealed class EngineDiedException() : Exception("the engine process exited");
}
