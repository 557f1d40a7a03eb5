using System.Globalization;
using WeakToStrong.Chess;
using WeakToStrong.Data.Sources;

namespace WeakToStrong.Data.Tasks;

/// <summary>
/// chess-puzzles: find the best move. Positions come from the pychess mate puzzles (start positions and the attacker's
/// positions along each solution), its composed problems and studies, and games the tool plays by low-depth engine
/// self-play, some opened by random plies and some from pychess's opening book; Stockfish's MultiPV-2 search labels them
/// and only positions with one clearly best move are kept. Text = FEN, TextPair = the sorted legal moves (UCI), label =
/// the best move's index in that list (K = 256 classes; models mask indices past the list). Whole puzzles and whole games
/// go to one side of the split.
/// </summary>
internal sealed class ChessPuzzlesTask : TaskBuilder
{
    public const int MaxMoves = 256; // more than any position's legal move count (218 is the known maximum)
    public static readonly string[] MoveClasses = Enumerable.Range(0, MaxMoves).Select(i => $"move{i}").ToArray();

    public override string Name => "chess-puzzles";
    public override string Description => "Which legal move (text_pair, sorted UCI) is best in this position (text, FEN)? Label = its index.";
    public override string[] ClassNames => MoveClasses;
    public override string Inputs => InputKinds.Chess;
    public override bool Shipped => false;
    public override string DataLicence =>
        "pychess puzzle collections and opening book (GPL-3+; read from the installed package, never committed); self-play positions and Stockfish (GPL-3+) labels generated locally";
    public override IReadOnlyList<SourcePackage> Sources { get; } =
    [
        new(PackageKind.Apt, "pychess", "GPL-3+", Path.Combine(PuzzleSources.PuzzleFolder, "mate_in_2.pgn")),
        new(PackageKind.Apt, "pychess", "GPL-3+", PolyglotBook.DefaultPath),
        new(PackageKind.Apt, "stockfish", "GPL-3+", EngineOptions.DefaultPath),
    ];

    public PuzzleSettings Settings { get; init; } = new();
    public int SelfPlayGames { get; init; } = 250;
    public int SelfPlayPositions { get; init; } = 1800;
    public int ProblemPositions { get; init; } = 2000;
    public int BookGames { get; init; } = 250;
    public int BookGamePositions { get; init; } = 900;
    /// <summary>How many opening plies book-opening games take from the book at most.</summary>
    public int BookPlies { get; init; } = 16;
    public string BookPath { get; init; } = PolyglotBook.DefaultPath;
    /// <summary>One group in this many goes to the test set.</summary>
    public int TestEvery { get; init; } = 6;
    public string CacheFolder { get; init; } = Path.Combine(DataPaths.CacheRoot, "chess");
    /// <summary>Where progress lines go (default: standard error; the engine work takes minutes the first time).</summary>
    public Action<string> Log { get; init; } = line => Console.Error.WriteLine($"chess-puzzles: {line}");

    public override BuiltTask Build()
    {
        var (kept, notes) = Labelled();
        var train = new List<TaskRow>();
        var test = new List<TaskRow>();
        foreach (var (c, p) in kept)
        {
            var row = new TaskRow($"{c.Group}/{Position.FromFen(c.Fen).Key}", p.Fen, string.Join(' ', p.Moves), p.Label);
            (TestGroup(c.Group) ? test : train).Add(row);
        }
        var split = new SeededRandom(Seed, "chess-puzzles/order");
        split.Shuffle(train);
        split.Shuffle(test);
        notes.AddRange(Describe("train", kept.Where(k => !TestGroup(k.C.Group)).ToList()));
        notes.AddRange(Describe("test", kept.Where(k => TestGroup(k.C.Group)).ToList()));
        notes.Add($"split by puzzle / problem / game (one group in {TestEvery} to test, by a hash of its name), so no game or puzzle line straddles the split");
        return new BuiltTask(train, test, notes);
    }

    /// <summary>Whether a puzzle group (a puzzle, problem or game) belongs to the test set.</summary>
    internal bool TestGroup(string group)
    {
        uint h = 2166136261;
        foreach (char ch in group) { h ^= ch; h *= 16777619; }
        return h % (uint)TestEvery == 0;
    }

    /// <summary>Every candidate that became a puzzle, in candidate order, and the notes on how they were found.</summary>
    internal (List<(PuzzleCandidate C, Puzzle P)> Kept, List<string> Notes) Labelled()
    {
        var notes = new List<string>();
        var candidates = new List<PuzzleCandidate>();
        foreach (var n in new[] { 2, 3, 4 })
            candidates.AddRange(PuzzleSources.ReadPgn(Path.Combine(PuzzleSources.PuzzleFolder, $"mate_in_{n}.pgn")));
        int pgn = candidates.Count;
        var problems = Directory.GetFiles(PuzzleSources.PuzzleFolder, "*.olv").Order(StringComparer.Ordinal)
            .SelectMany(PuzzleSources.ReadOlv).ToList();
        var rng = new SeededRandom(Seed, "chess-puzzles/problems");
        rng.Shuffle(problems);
        candidates.AddRange(problems.Take(ProblemPositions));
        notes.Add($"candidates: {pgn} from the pychess mate-in-2/3/4 PGN puzzles (start positions and the attacker's positions along the solutions), " +
                  $"{Math.Min(ProblemPositions, problems.Count)} of {problems.Count} usable composed problems (#2-#5 direct mates and '+' studies; seeded sample)");

        using var engine = new UciEngine(new EngineOptions());
        var settings = new SelfPlaySettings();
        var games = GameCorpus.Load(Path.Combine(CacheFolder, "games"), settings, SelfPlayGames, baseSeed: 1, () => new UciEngine(new EngineOptions()),
            new Progress<(int Done, int Total)>(p => { if (p.Done % 25 == 0) Log($"self-play games {p.Done}/{p.Total}"); }));
        var selfPlay = games.SelectMany((g, k) => g.Positions().Where(x => x.Ply >= g.RandomPlies)
            .Select(x => new PuzzleCandidate(x.Before.ToFen(), "selfplay", $"game{k}", "selfplay"))).ToList();
        new SeededRandom(Seed, "chess-puzzles/selfplay").Shuffle(selfPlay);
        candidates.AddRange(selfPlay.Take(SelfPlayPositions));
        notes.Add($"{games.Count} self-play games ({settings.Key}: {settings.RandomPlies} random opening plies, then Stockfish depth {settings.Depth} " +
                  $"sampling among its top {settings.Candidates} moves with a softmax at {settings.TemperatureCp} cp; seeded); " +
                  $"{Math.Min(SelfPlayPositions, selfPlay.Count)} of their {selfPlay.Count} positions sampled");

        // Games that open from pychess's Polyglot book (realistic openings), then self-play; every position is a candidate,
        // the in-book ones included (the margin filter keeps the few with one clearly best move).
        var book = new PolyglotBook(BookPath);
        var bookSettings = new SelfPlaySettings(RandomPlies: 0, BookPlies: BookPlies);
        var bookGames = GameCorpus.Load(Path.Combine(CacheFolder, "games"), bookSettings, BookGames, baseSeed: 3, () => new UciEngine(new EngineOptions()),
            new Progress<(int Done, int Total)>(p => { if (p.Done % 25 == 0) Log($"book-opening games {p.Done}/{p.Total}"); }), book);
        var fromBook = bookGames.SelectMany((g, k) => g.Positions()
            .Select(x => new PuzzleCandidate(x.Before.ToFen(), x.Ply < g.RandomPlies ? "book" : "bookgame", $"bookgame{k}", "bookgame"))).ToList();
        new SeededRandom(Seed, "chess-puzzles/bookgames").Shuffle(fromBook);
        candidates.AddRange(fromBook.Take(BookGamePositions));
        notes.Add($"{bookGames.Count} games opened from the pychess Polyglot book ({book.Entries:N0} entries; up to {BookPlies} plies, each book move " +
                  $"with its weight's share, until out of book; mean {bookGames.Average(g => g.RandomPlies):F1} book plies), then played on as the self-play games; " +
                  $"{Math.Min(BookGamePositions, fromBook.Count)} of their {fromBook.Count} positions sampled " +
                  $"({fromBook.Take(BookGamePositions).Count(c => c.Source == "book")} of them still in the book)");

        var caches = PuzzleLabeller.Caches(Path.Combine(CacheFolder, "analyses"), engine.Name, Settings);
        var labeller = new PuzzleLabeller(engine, Settings, caches.Deep, caches.Shallow, caches.Medium);
        notes.Add("ground truth: " + Settings.Describe(engine.Name) +
                  $"; difficulty: easy = Stockfish depth {Settings.EasyDepth} plays the move, medium = depth {Settings.MediumDepth} does, hard = neither");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<(PuzzleCandidate C, Puzzle P)>();
        var verdicts = new Dictionary<string, int>();
        int done = 0;
        foreach (var c in candidates)
        {
            if (++done % 250 == 0) Log($"labelled {done}/{candidates.Count} candidates, kept {kept.Count}");
            var key = Position.FromFen(c.Fen).Key;
            if (!seen.Add(key)) { Count(verdicts, "duplicate position"); continue; }
            var puzzle = labeller.Label(c.Fen, out var verdict);
            Count(verdicts, verdict);
            if (puzzle is not null) kept.Add((c, puzzle));
        }
        notes.Add($"kept from the book-opening games: {kept.Count(k => k.C.Kind == "bookgame")}, of them {kept.Count(k => k.C.Source == "book")} still in the book");
        notes.Add("candidate verdicts: " + string.Join(", ", verdicts.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        return (kept, notes);
    }

    private static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static IEnumerable<string> Describe(string split, List<(PuzzleCandidate C, Puzzle P)> rows)
    {
        if (rows.Count == 0) yield break;
        string Share(int n) => $"{n} ({100.0 * n / rows.Count:F0}%)";
        yield return $"{split}: {rows.Count} positions; by source: " +
                     string.Join(", ", rows.GroupBy(r => r.C.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        int mates = rows.Count(r => r.P.IsMate);
        yield return $"{split}: mate {Share(mates)}, quiet (no forced mate found) {Share(rows.Count - mates)}; mate-in-N: " +
                     string.Join(", ", rows.Where(r => r.P.IsMate).GroupBy(r => r.P.Best.Mate!.Value).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        yield return $"{split}: difficulty " + string.Join(", ", new[] { "easy", "medium", "hard" }.Select(d => $"{d} {Share(rows.Count(r => r.P.Difficulty == d))}"));
        var quiet = rows.Where(r => !r.P.IsMate).Select(r => r.P.MarginCp).Order().ToList();
        if (quiet.Count > 0)
            yield return $"{split}: margin of the best move over the second (non-mates), cp: median {quiet[quiet.Count / 2]}, " +
                         $"quartiles {quiet[quiet.Count / 4]}-{quiet[3 * quiet.Count / 4]}";
        var legal = rows.Select(r => r.P.Moves.Count).Order().ToList();
        yield return string.Create(CultureInfo.InvariantCulture,
            $"{split}: legal moves per position: median {legal[legal.Count / 2]}, max {legal[^1]}; chance accuracy (mean 1/legal moves) {rows.Average(r => 1.0 / r.P.Moves.Count):F3}");
    }
}
