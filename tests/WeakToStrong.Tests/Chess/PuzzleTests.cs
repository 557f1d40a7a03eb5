using WeakToStrong.Chess;

namespace WeakToStrong.Tests.Chess;

public class PuzzleTests
{
    private static string TempFolder() => Directory.CreateTempSubdirectory("w2s-chess-").FullName;

    private static PuzzleLabeller Labeller(UciEngine engine, string folder)
    {
        var settings = new PuzzleSettings(Nodes: 20_000);
        var (deep, shallow, medium) = PuzzleLabeller.Caches(folder, engine.Name, settings);
        return new PuzzleLabeller(engine, settings, deep, shallow, medium);
    }

    [EngineFact]
    public void AMateInOneIsLabelledWithTheMatingMove()
    {
        var folder = TempFolder();
        using var engine = new UciEngine();
        // Back-rank mate: Ra8# is the only mate; the other rook moves do not mate.
        var puzzle = Labeller(engine, folder).Label("6k1/5ppp/8/8/8/8/5PPP/R5K1 w - - 0 1", out var verdict);
        Assert.Equal("kept", verdict);
        Assert.NotNull(puzzle);
        Assert.Equal("a1a8", puzzle.BestMove);
        Assert.Equal(puzzle.Moves.ToList().IndexOf("a1a8"), puzzle.Label);
        Assert.True(puzzle.IsMate);
        Assert.Equal(1, puzzle.Best.Mate);
        Assert.Equal(puzzle.Moves.Order(StringComparer.Ordinal), puzzle.Moves);
    }

    [EngineFact]
    public void AWinningCaptureIsKeptAndAQuietEqualPositionIsNot()
    {
        var folder = TempFolder();
        using var engine = new UciEngine();
        var labeller = Labeller(engine, folder);
        // The black queen on d5 hangs to the e4 pawn.
        var capture = labeller.Label("rnb1kbnr/ppp1pppp/8/3q4/4P3/8/PPPP1PPP/RNBQKBNR w KQkq - 0 1", out _);
        Assert.NotNull(capture);
        Assert.Equal("e4d5", capture.BestMove);
        Assert.False(capture.IsMate);
        Assert.True(capture.MarginCp >= 150);
        Assert.Null(labeller.Label(Position.StartFen, out var verdict));
        Assert.Equal("margin below threshold", verdict);
        // Several mating moves: not a puzzle with one solution.
        Assert.Null(labeller.Label("k7/8/1K6/8/8/8/8/6RR w - - 0 1", out verdict));
        Assert.Equal("several equally short mates", verdict);
    }

    [EngineFact]
    public void AnalysesAreCachedOnDiskByPositionAndSettings()
    {
        var folder = TempFolder();
        const string fen = "6k1/5ppp/8/8/8/8/5PPP/R5K1 w - - 0 1";
        using (var engine = new UciEngine()) Labeller(engine, folder).Label(fen, out _);
        var (deep, _, _) = PuzzleLabeller.Caches(folder, "Stockfish 15.1", new PuzzleSettings(Nodes: 20_000));
        Assert.True(deep.TryGet(fen, out var cached));
        Assert.Equal("a1a8", cached.BestMove);
        Assert.Equal(2, cached.Lines.Count);
        // Other settings, other cache.
        Assert.False(PuzzleLabeller.Caches(folder, "Stockfish 15.1", new PuzzleSettings(Nodes: 1000)).Deep.TryGet(fen, out _));
    }

    [Fact]
    public void PgnPuzzlesYieldTheStartAndTheAttackersLinePositions()
    {
        var path = Path.Combine(TempFolder(), "p.pgn");
        File.WriteAllText(path, """
            [Event "?"]
            [FEN "r2qkb1r/pp2nppp/3p4/2pNN1B1/2BnP3/3P4/PPP2PPP/R2bK2R w KQkq - 1 0"]
            [SetUp "1"]

            1. Nf6+ {check} gxf6 (1... Kd7 2. Qxd1) 2. Bxf7# *

            [Event "no fen"]

            1. e4 *
            """);
        var found = PuzzleSources.ReadPgn(path).ToList();
        Assert.Equal(2, found.Count);
        Assert.Equal("pgn-start", found[0].Kind);
        Assert.StartsWith("r2qkb1r/pp2nppp/3p4/2pNN1B1/2BnP3/3P4/PPP2PPP/R2bK2R w KQkq", found[0].Fen);
        Assert.Equal("pgn-line", found[1].Kind);
        Assert.Equal("r2qkb1r/pp2np1p/3p1p2/2p1N1B1/2BnP3/3P4/PPP2PPP/R2bK2R w KQkq - 0 2", found[1].Fen);
        Assert.Equal(found[0].Group, found[1].Group);
    }

    [Fact]
    public void OlvProblemsBecomeWhiteToMovePositions()
    {
        var path = Path.Combine(TempFolder(), "p.olv");
        File.WriteAllText(path, """
            ---
            authors:
              - Someone
            algebraic:
              white: [Kh1, Qc2, Bc4, Bb4, Sb3, Sa3]
              black: [Ka2, Rb2]
            stipulation: "#2"
            solution: |
              "1.Qc2-c1 !"
            ---
            algebraic:
              white: [Kh1, Qc2]
              black: [Ka2]
            stipulation: "h#2"
            ---
            algebraic:
              white: [Kh1, Pc2]
              black: [Ka2]
            stipulation: +
            options:
              - SetPlay
            """);
        var found = PuzzleSources.ReadOlv(path).ToList();
        var only = Assert.Single(found);
        Assert.Equal("8/8/8/8/1BB5/NN6/krQ5/7K w - - 0 1", only.Fen);
        Assert.Equal("problem-#2", only.Kind);
    }

    [SkippableFact]
    public void InstalledPychessFilesParse()
    {
        var file = Path.Combine(PuzzleSources.PuzzleFolder, "mate_in_2.pgn");
        Skip.IfNot(File.Exists(file), $"pychess is not installed ({file} is missing; apt-get install pychess)");
        var starts = PuzzleSources.ReadPgn(file).Count(c => c.Kind == "pgn-start");
        Assert.True(starts > 100, $"only {starts} mate-in-2 start positions");
    }
}
