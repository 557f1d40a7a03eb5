using System.Text.Json;

namespace WeakToStrong.Chess;

/// <summary>
/// Engine analyses on disk, keyed by position and settings, so preparing a task again does not search again. One JSONL
/// file per settings string (engine name, limit, MultiPV); a line per position, appended as searches finish (a killed
/// prepare keeps what it had).
/// </summary>
internal sealed class AnalysisCache
{
    private readonly string file;
    private readonly Dictionary<string, Analysis> entries = new(StringComparer.Ordinal);

    public AnalysisCache(string folder, string settings)
    {
        Directory.CreateDirectory(folder);
        var hash = Results.Hashing.Sha256Hex(settings, 8);
        file = Path.Combine(folder, $"analyses-{hash}.jsonl");
        Settings = settings;
        if (!File.Exists(file)) return;
        foreach (var line in File.ReadLines(file))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                var e = JsonSerializer.Deserialize<Entry>(line);
                if (e is not null) entries[e.Fen] = e.ToAnalysis();
            }
            catch (JsonException) { } // a line cut short by a kill: searched again
        }
    }

    public string Settings { get; }
    public int Count { get { lock (entries) return entries.Count; } }

    public bool TryGet(string fen, out Analysis analysis)
    {
        lock (entries) return entries.TryGetValue(fen, out analysis!);
    }

    /// <summary>The cached analysis, else a search with a clean hash (so the result depends only on the position and the
    /// settings) that is cached. The caller's limit and MultiPV must be what this cache's settings string says.</summary>
    public Analysis Analyse(UciEngine engine, string fen, SearchLimit limit, int multiPv)
    {
        if (TryGet(fen, out var cached)) return cached;
        engine.NewGame();
        var analysis = engine.Analyse(fen, limit, multiPv);
        Put(fen, analysis);
        return analysis;
    }

    /// <summary>Thread-safe: several engines may label into one cache.</summary>
    public void Put(string fen, Analysis analysis)
    {
        var line = JsonSerializer.Serialize(Entry.Of(fen, analysis)) + "\n";
        lock (entries)
        {
            entries[fen] = analysis;
            File.AppendAllText(file, line);
        }
    }

    private sealed record Line(int Rank, int Depth, int? Cp, int? Mate, string[] Pv);

    private sealed record Entry(string Fen, string Best, Line[] Lines)
    {
        public static Entry Of(string fen, Analysis a) =>
            new(fen, a.BestMove, a.Lines.Select(l => new Line(l.Rank, l.Depth, l.Score.Centipawns, l.Score.Mate, l.Moves.ToArray())).ToArray());

        public Analysis ToAnalysis() =>
            new(Best, Lines.Select(l => new PvLine(l.Rank, l.Depth, new EngineScore(l.Cp, l.Mate), l.Pv)).ToList());
    }
}
