using WeakToStrong.Data;

namespace WeakToStrong.Chess;

/// <summary>How generated games are played: an opening of uniformly random plies, or of moves drawn from an opening book
/// (BookPlies &gt; 0: up to that many plies, each book move with its weight's share, until the game leaves the book), then a
/// low-depth engine whose top MultiPV moves are sampled with a softmax over their scores (seeded), so games differ and
/// contain mistakes.</summary>
internal sealed record SelfPlaySettings(int RandomPlies = 6, int Depth = 2, int Candidates = 4, double TemperatureCp = 60, int MaxPlies = 160,
    // Left out of JSON when 0, so the pretraining cache keys (which serialize these settings) of games without a book stay as they were.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] int BookPlies = 0)
{
    public string Key => $"selfplay/r{RandomPlies}/d{Depth}/c{Candidates}/t{TemperatureCp}/m{MaxPlies}" + (BookPlies > 0 ? $"/book{BookPlies}" : "");
}

/// <summary>A generated game: its moves in UCI, how many opening plies were not the engine's (random or book moves; kept in
/// the field RandomPlies of the games files), and how it ended.</summary>
internal sealed record ChessGame(IReadOnlyList<string> Moves, int RandomPlies, string Result)
{
    /// <summary>Each position of the game with the move played from it (the last position, which has none, is left out).</summary>
    public IEnumerable<(Position Before, string Played, int Ply)> Positions()
    {
        var p = Position.Start;
        for (int i = 0; i < Moves.Count; i++)
        {
            yield return (p, Moves[i], i);
            p = p.Play(Move.ParseUci(Moves[i]));
        }
    }

    /// <summary>One line of a games file: "result randomPlies move move ... ." (the final dot marks a complete line).</summary>
    public string ToLine() => $"{Result} {RandomPlies} {string.Join(' ', Moves)} .";

    /// <summary>A complete line's game, or null for a line cut short (by a kill while it was written).</summary>
    public static ChessGame? TryParse(string line)
    {
        var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (t.Length < 3 || t[^1] != "." || !int.TryParse(t[1], out var random)) return null;
        return new ChessGame(t.Skip(2).SkipLast(1).ToList(), random, t[0]);
    }
}

/// <summary>Plays one game by engine self-play. Deterministic for a seed: the engine's hash is cleared at the start.</summary>
internal static class SelfPlay
{
    public static ChessGame Play(UciEngine engine, SelfPlaySettings settings, long seed, PolyglotBook? book = null)
    {
        if (settings.BookPlies > 0 && book is null) throw new ArgumentException("these self-play settings open from a book; pass one", nameof(book));
        var rng = new SeededRandom(seed, "chess/selfplay");
        bool inBook = settings.BookPlies > 0;
        engine.NewGame();
        var position = Position.Start;
        var moves = new List<string>();
        var seen = new Dictionary<string, int>();
        int random = 0;
        while (true)
        {
            if (position.LegalMoves.Count == 0) return new ChessGame(moves, random, position.InCheck ? (position.WhiteToMove ? "0-1" : "1-0") : "1/2-1/2");
            if (moves.Count >= settings.MaxPlies || position.HalfmoveClock >= 100 || InsufficientMaterial(position)) return new ChessGame(moves, random, "1/2-1/2");
            var key = position.Key;
            seen[key] = seen.GetValueOrDefault(key) + 1;
            if (seen[key] >= 3) return new ChessGame(moves, random, "1/2-1/2");

            string move;
            var bookMoves = inBook && moves.Count < settings.BookPlies ? book!.Moves(position) : [];
            inBook = bookMoves.Count > 0;
            if (inBook)
            {
                move = Weighted(bookMoves, rng);
                random++;
            }
            else if (settings.BookPlies == 0 && moves.Count < settings.RandomPlies)
            {
                var legal = position.SortedUci();
                move = legal[rng.NextInt(legal.Count)];
                random++;
            }
            else
            {
                var analysis = engine.Analyse(position.ToFen(), new SearchLimit(Depth: settings.Depth), settings.Candidates);
                move = Sample(analysis, settings.TemperatureCp, rng);
            }
            moves.Add(move);
            position = position.Play(Move.ParseUci(move));
        }
    }

    private static string Weighted(IReadOnlyList<BookMove> moves, SeededRandom rng)
    {
        double u = rng.NextDouble() * moves.Sum(m => m.Weight);
        foreach (var m in moves)
            if ((u -= m.Weight) < 0) return m.Uci;
        return moves[^1].Uci;
    }

    /// <summary>Softmax over the candidates' scores (mates count as large scores) at the given temperature.</summary>
    internal static string Sample(Analysis analysis, double temperatureCp, SeededRandom rng)
    {
        if (analysis.Lines.Count == 0) return analysis.BestMove;
        var scores = analysis.Lines.Select(l => Math.Clamp(l.Score.Value, -3000, 3000) / temperatureCp).ToArray();
        double max = scores.Max();
        var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
        double u = rng.NextDouble() * weights.Sum();
        for (int i = 0; i < weights.Length; i++)
        {
            u -= weights[i];
            if (u < 0) return analysis.Lines[i].FirstMove;
        }
        return analysis.Lines[^1].FirstMove;
    }

    private static bool InsufficientMaterial(Position p)
    {
        int minor = 0;
        for (int sq = 0; sq < 64; sq++)
            switch (Piece.Kind(p[sq]))
            {
                case Piece.Pawn or Piece.Rook or Piece.Queen: return false;
                case Piece.Knight or Piece.Bishop: minor++; break;
            }
        return minor <= 1;
    }
}

/// <summary>
/// A cached, resumable set of generated games: game k is played with seed (baseSeed, k) and appended to a file named by
/// the settings, so a second call reads them back and an interrupted call continues where it stopped.
/// </summary>
internal static class GameCorpus
{
    public static IReadOnlyList<ChessGame> Load(string folder, SelfPlaySettings settings, int games, long baseSeed,
        Func<UciEngine> engineFactory, IProgress<(int Done, int Total)>? progress = null, PolyglotBook? book = null)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"games-{Hash(settings.Key + $"/seed{baseSeed}")}.txt");
        var have = new List<ChessGame>();
        if (File.Exists(file))
            foreach (var line in File.ReadLines(file))
            {
                if (ChessGame.TryParse(line) is not { } g) break; // keep the complete prefix; the rest is replayed
                have.Add(g);
            }
        if (have.Count < games)
        {
            // Drops a torn last line before appending; atomic, so a kill here cannot lose the finished games.
            Results.AtomicFile.WriteAllText(file, string.Concat(have.Select(g => g.ToLine() + "\n")));
            using var engine = engineFactory();
            for (int k = have.Count; k < games; k++)
            {
                var game = SelfPlay.Play(engine, settings, baseSeed * 1_000_003 + k, book);
                File.AppendAllText(file, game.ToLine() + "\n");
                have.Add(game);
                progress?.Report((k + 1, games));
            }
        }
        return have.Take(games).ToList();
    }

    private static string Hash(string s) =>
        Results.Hashing.Sha256Hex(s, 8);
}
