namespace WeakToStrong.Chess;

/// <summary>
/// Pretraining targets from a fixed engine search: Stockfish's best move at this depth, 1 thread, hash cleared before each
/// search. Unlike the move played in a sampled self-play game, the target is a function of the position, so near-equal
/// moves are not a coin toss and a larger model has more to learn.
/// </summary>
internal sealed record EngineTargetSettings(int Depth = 8)
{
    public SearchLimit Limit => new(Depth: Depth);

    /// <summary>The analysis cache's settings string (the engine's name is part of the key).</summary>
    public string CacheKey(string engineName) => $"{engineName}|multipv1|{Limit}";
}

/// <summary>Labels positions with the engine's best move, searches cached on disk (a killed run keeps what it had).</summary>
internal static class EngineTargets
{
    /// <summary>
    /// The best move of every position. Uncached positions are searched by <paramref name="workers"/> engine processes at
    /// once; each search starts from a clean hash on one thread, so the moves do not depend on the number of workers.
    /// </summary>
    public static IReadOnlyList<string> BestMoves(IReadOnlyList<string> fens, EngineTargetSettings settings, string cacheFolder,
        Func<UciEngine> engineFactory, IProgress<(int Done, int Total)>? progress = null, int workers = 1)
    {
        var engines = new List<UciEngine> { engineFactory() };
        try
        {
            var cache = new AnalysisCache(cacheFolder, settings.CacheKey(engines[0].Name));
            var uncached = fens.Where(f => !cache.TryGet(f, out _)).ToList();
            var todo = uncached.Distinct(StringComparer.Ordinal).ToList();
            int total = fens.Count - uncached.Count + todo.Count, done = total - todo.Count, next = -1;
            void Work(UciEngine engine)
            {
                for (int i = Interlocked.Increment(ref next); i < todo.Count; i = Interlocked.Increment(ref next))
                {
                    cache.Analyse(engine, todo[i], settings.Limit, 1);
                    progress?.Report((Interlocked.Increment(ref done), total));
                }
            }
            while (engines.Count < Math.Min(workers, todo.Count)) engines.Add(engineFactory());
            Task.WaitAll(engines.Select(e => Task.Factory.StartNew(() => Work(e), TaskCreationOptions.LongRunning)).ToArray());
            return fens.Select(f => cache.TryGet(f, out var a) ? a.BestMove : throw new InvalidOperationException($"no analysis of {f}")).ToList();
        }
        catch (AggregateException e) // the first worker's own error, not "one or more errors occurred"
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw; // unreachable
        }
        finally
        {
            foreach (var engine in engines) engine.Dispose();
        }
    }
}
