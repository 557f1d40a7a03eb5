using System.Diagnostics;
using WeakToStrong.Chess;

namespace WeakToStrong.Tests.Chess;

public class UciEngineTests
{
    private static EngineOptions Options => new() { Path = EngineOptions.Locate() ?? EngineOptions.DefaultPath, Timeout = TimeSpan.FromSeconds(20) };

    [EngineFact]
    public void HandshakeNamesTheEngineAndAMateInOneIsFound()
    {
        using var engine = new UciEngine(Options);
        Assert.Contains("Stockfish", engine.Name);
        var result = engine.Analyse("7k/8/6K1/8/8/8/8/R7 w - - 0 1", new SearchLimit(Depth: 8));
        Assert.Equal("a1a8", result.BestMove);
        Assert.Equal(1, result.Lines[0].Score.Mate);
    }

    [EngineFact]
    public void MultiPvGivesRankedDistinctLinesUnderEachLimit()
    {
        using var engine = new UciEngine(Options);
        // 500 ms, not less: a short movetime search that gets little CPU on a loaded machine can stop before every MultiPV line is reported.
        foreach (var limit in new[] { new SearchLimit(Depth: 6), new SearchLimit(Nodes: 20_000), new SearchLimit(MoveTimeMs: 500) })
        {
            var result = engine.Analyse(Position.StartFen, limit, multiPv: 3);
            Assert.Equal(3, result.Lines.Count);
            Assert.Equal([1, 2, 3], result.Lines.Select(l => l.Rank).ToArray());
            Assert.Equal(3, result.Lines.Select(l => l.FirstMove).Distinct().Count());
            Assert.True(result.Lines[0].Score.Value >= result.Lines[2].Score.Value);
            Assert.Equal(result.BestMove, result.Lines[0].FirstMove);
        }
        // Back to one line.
        Assert.Single(engine.Analyse(Position.StartFen, new SearchLimit(Depth: 4)).Lines);
    }

    [EngineFact]
    public void MovesAfterTheFenAreApplied()
    {
        using var engine = new UciEngine(Options);
        var result = engine.Analyse(Position.StartFen, new SearchLimit(Depth: 4), moves: ["e2e4", "e7e5"]);
        var after = Position.Start.Play(Move.ParseUci("e2e4")).Play(Move.ParseUci("e7e5"));
        Assert.Contains(result.BestMove, after.SortedUci());
    }

    [EngineFact]
    public void SkillLevelIsAccepted()
    {
        using var engine = new UciEngine(Options with { SkillLevel = 0 });
        var result = engine.Analyse(Position.StartFen, new SearchLimit(Depth: 3));
        Assert.Contains(result.BestMove, Position.Start.SortedUci());
    }

    [EngineFact]
    public void TheEngineIsRestartedAfterItDies()
    {
        using var engine = new UciEngine(Options);
        int pid = engine.ProcessId;
        using (var process = Process.GetProcessById(pid)) // the engine this test started; one handle, so a fast exit cannot race a second lookup
        {
            process.Kill();
            process.WaitForExit(5000);
        }
        var result = engine.Analyse(Position.StartFen, new SearchLimit(Depth: 3));
        Assert.Contains(result.BestMove, Position.Start.SortedUci());
        Assert.Equal(1, engine.Restarts);
        Assert.NotEqual(pid, engine.ProcessId);
    }

    [EngineFact]
    public void ASearchThatOverrunsItsTimeoutThrowsAndLeavesAWorkingEngine()
    {
        using var engine = new UciEngine(Options with { Timeout = TimeSpan.FromMilliseconds(300) });
        Assert.Throws<TimeoutException>(() => engine.Analyse(Position.StartFen, new SearchLimit(Depth: 60)));
        Assert.True(engine.Restarts >= 1);
        var result = engine.Analyse(Position.StartFen, new SearchLimit(Depth: 2));
        Assert.Contains(result.BestMove, Position.Start.SortedUci());
    }

    [EngineFact]
    public void DisposeEndsTheProcess()
    {
        var engine = new UciEngine(Options);
        var process = Process.GetProcessById(engine.ProcessId);
        engine.Dispose();
        Assert.True(process.WaitForExit(3000));
    }

    [EngineTheory]
    [InlineData(Position.StartFen, 3)]
    [InlineData("r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1", 2)]
    [InlineData("8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1", 3)]
    [InlineData("r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1", 2)]
    [InlineData("rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3", 3)]
    [InlineData("8/8/3k4/8/2pP4/8/8/4K2R b K d3 0 1", 3)]
    public void PerftPerMoveMatchesStockfish(string fen, int depth)
    {
        using var engine = new UciEngine(Options);
        var expected = engine.Perft(fen, depth);
        var actual = Position.FromFen(fen).PerftDivide(depth);
        Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void InfoLinesAreParsed()
    {
        var line = UciEngine.ParseInfo("info depth 12 seldepth 15 multipv 2 score cp -35 nodes 1000 nps 1 pv e7e5 g1f3 b8c6");
        Assert.NotNull(line);
        Assert.Equal(2, line.Rank);
        Assert.Equal(12, line.Depth);
        Assert.Equal(-35, line.Score.Centipawns);
        Assert.Equal(["e7e5", "g1f3", "b8c6"], line.Moves.ToArray());
        Assert.Equal(-3, UciEngine.ParseInfo("info depth 9 score mate -3 pv a1a2")!.Score.Mate);
        Assert.Null(UciEngine.ParseInfo("info depth 9 score cp 20 lowerbound pv a1a2"));
        Assert.Null(UciEngine.ParseInfo("info string NNUE evaluation enabled"));
        Assert.True(new EngineScore(null, 2).Value > new EngineScore(null, 5).Value);
        Assert.True(new EngineScore(null, -2).Value < new EngineScore(-900, null).Value);
    }
}
