namespace WeakToStrong.Chess;

/// <summary>How ground truth is searched and which positions are kept.</summary>
internal sealed record PuzzleSettings(long Nodes = 20_000, int MinMarginCp = 150, int EasyDepth = 1, int MediumDepth = 5)
{
    public SearchLimit Limit => new(Nodes: Nodes);
    public string Describe(string engine) =>
        $"{engine}, 1 thread, 16 MB hash cleared before every search, MultiPV 2, nodes {Nodes}; kept when the best move gives the " +
        $"unique shortest mate found (the second move mates more slowly or not at all) or beats the second by at least {MinMarginCp} cp";
}

/// <summary>A labelled puzzle: the position, its sorted legal moves, the index of the best one, and how it was judged.</summary>
internal sealed record Puzzle(string Fen, IReadOnlyList<string> Moves, int Label, EngineScore Best, EngineScore Second, string Difficulty, string SecondMove)
{
    public bool IsMate => Best.Mate is > 0;
    public string BestMove => Moves[Label];
    /// <summary>The best move's margin over the second in centipawns (mates count as 10,000).</summary>
    public int MarginCp => Math.Min(10_000, Clamp(Best) - Clamp(Second));
    private static int Clamp(EngineScore s) => s.Mate is { } m ? (m > 0 ? 10_000 : -10_000) : Math.Clamp(s.Centipawns ?? 0, -10_000, 10_000);
}

/// <summary>
/// Turns a position into a puzzle when deep search finds one clearly best move (the paper's chess puzzles have one
/// solution). Difficulty: "easy" if a depth-1 search already plays it, "medium" if depth 5 does, "hard" otherwise.
/// </summary>
internal sealed class PuzzleLabeller(UciEngine engine, PuzzleSettings settings, AnalysisCache deep, AnalysisCache shallow, AnalysisCache medium)
{
    public Puzzle? Label(string fen, out string verdict)
    {
        var position = Position.FromFen(fen);
        var moves = position.SortedUci();
        if (moves.Count < 2) { verdict = "fewer than 2 legal moves"; return null; }
        var analysis = Search(deep, fen, settings.Limit, 2);
        if (analysis.Lines.Count < 2) { verdict = "engine gave fewer than 2 lines"; return null; }
        var (best, second) = (analysis.Lines[0], analysis.Lines[1]);
        int index = IndexOf(moves, best.FirstMove);
        if (index < 0) { verdict = "engine move not legal here"; return null; }
        bool mates = best.Score.Mate is > 0;
        // A mate is clear when it is the unique shortest one: the second move does not mate, or mates more slowly.
        bool clear = mates ? second.Score.Mate is not > 0 || second.Score.Mate > best.Score.Mate
                           : best.Score.Value - second.Score.Value >= settings.MinMarginCp;
        if (!clear) { verdict = mates ? "several equally short mates" : "margin below threshold"; return null; }
        string difficulty =
            Search(shallow, fen, new SearchLimit(Depth: settings.EasyDepth), 1).BestMove == best.FirstMove ? "easy"
            : Search(medium, fen, new SearchLimit(Depth: settings.MediumDepth), 1).BestMove == best.FirstMove ? "medium" : "hard";
        verdict = "kept";
        return new Puzzle(fen, moves, index, best.Score, second.Score, difficulty, second.FirstMove);
    }

    private Analysis Search(AnalysisCache cache, string fen, SearchLimit limit, int pvs) => cache.Analyse(engine, fen, limit, pvs);

    private static int IndexOf(IReadOnlyList<string> moves, string move)
    {
        for (int i = 0; i < moves.Count; i++) if (moves[i] == move) return i;
        return -1;
    }

    /// <summary>The caches for these settings under a folder (the engine's name is part of the key).</summary>
    public static (AnalysisCache Deep, AnalysisCache Shallow, AnalysisCache Medium) Caches(string folder, string engineName, PuzzleSettings s) =>
        (new AnalysisCache(folder, $"{engineName}|multipv2|{s.Limit}"),
         new AnalysisCache(folder, $"{engineName}|multipv1|depth {s.EasyDepth}"),
         new AnalysisCache(folder, $"{engineName}|multipv1|depth {s.MediumDepth}"));
}
