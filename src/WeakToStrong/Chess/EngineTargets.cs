namespace WeakToStrong.Chess;

/// <summary>
/// Pretraining targets from a fixed engine search: Stockfish's best move at this depth, 1 thread, hash cleared before each
/// search. Unlike the move played in a sampled self-play game, the target is a function of the position, so near-equal
/// moves are not a coin toss and a larger model has more to learn.
/// </summary>
public sealed record EngineTargetSettings(int Depth = 8)
{
    public SearchLimit Limit => new(Depth: Depth);

    /// <summary>The analysis cache's settings string (the engine's name is part of the key).</summary>
    public string CacheKey(string engineName) => $"{engineName}|multipv1|{Limit}";
}

/// <summary>Labels positions with the engine's best move, searches cached on disk (a killed run keeps what it had).</summary>
public static class EngineTargets
{
    public static IReadOnlyList<string> BestMoves(IReadOnlyList<string> fens, EngineTargetSettings settings, string cacheFolder,
        Func<UciEngine> engineFactory, IProgress<(int Done, int Total)>? progress = null)
    {
        using var engine = engineFactory();
        var cache = new AnalysisCache(cacheFolder, settings.CacheKey(engine.Name));
        var moves = new string[fens.Count];
        for (int i = 0; i < fens.Count; i++)
        {
            moves[i] = cache.Analyse(engine, fens[i], settings.Limit, 1).BestMove;
            progress?.Report((i + 1, fens.Count));
        }
        return moves;
    }
}
