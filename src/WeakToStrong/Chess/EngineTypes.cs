namespace WeakToStrong.Chess;

/// <summary>How long a search may run: any combination of depth, node and time limits (at least one).</summary>
internal sealed record SearchLimit(int? Depth = null, long? Nodes = null, int? MoveTimeMs = null)
{
    public string GoCommand()
    {
        if (Depth is null && Nodes is null && MoveTimeMs is null) throw new ArgumentException("a search needs a depth, node or time limit");
        var parts = new List<string> { "go" };
        if (Depth is { } d) parts.Add($"depth {d}");
        if (Nodes is { } n) parts.Add($"nodes {n}");
        if (MoveTimeMs is { } t) parts.Add($"movetime {t}");
        return string.Join(' ', parts);
    }

    public override string ToString() => GoCommand()[3..];
}

/// <summary>An engine evaluation from the side to move's view: centipawns, or mate in N moves (negative: being mated).</summary>
internal readonly record struct EngineScore(int? Centipawns, int? Mate)
{
    /// <summary>One number for comparisons: mates map beyond any centipawn value, shorter mates higher.</summary>
    public int Value => Mate is { } m ? (m > 0 ? 100_000 - m : -100_000 - m) : Centipawns ?? 0;

    public override string ToString() => Mate is { } m ? $"mate {m}" : $"cp {Centipawns}";
}

/// <summary>One principal variation of a MultiPV search (Rank 1 is the best).</summary>
internal sealed record PvLine(int Rank, int Depth, EngineScore Score, IReadOnlyList<string> Moves)
{
    public string FirstMove => Moves.Count > 0 ? Moves[0] : "";
}

/// <summary>A finished search: the engine's best move and its last reported line per MultiPV rank.</summary>
internal sealed record Analysis(string BestMove, IReadOnlyList<PvLine> Lines);

/// <summary>How to start the engine and the options it is given after the handshake.</summary>
internal sealed record EngineOptions
{
    public const string DefaultPath = "/usr/games/stockfish";
    public string Path { get; init; } = DefaultPath;
    public int Threads { get; init; } = 1;
    public int HashMb { get; init; } = 16;
    /// <summary>Stockfish's Skill Level 0-20 (null: full strength). Note that Stockfish draws its skill randomness from the clock.</summary>
    public int? SkillLevel { get; init; }
    /// <summary>How long a search may exceed its own limits before the engine is restarted.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long starting the engine or an isready round trip may take (a loaded machine starts it slowly).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The Stockfish binary, if installed (STOCKFISH_PATH overrides).</summary>
    public static string? Locate()
    {
        var env = Environment.GetEnvironmentVariable("STOCKFISH_PATH");
        foreach (var p in new[] { env, DefaultPath, "/usr/bin/stockfish", "/usr/local/bin/stockfish" })
            if (!string.IsNullOrEmpty(p) && File.Exists(p)) return p;
        return null;
    }
}
