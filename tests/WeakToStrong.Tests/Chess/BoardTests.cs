using WeakToStrong.Chess;

namespace WeakToStrong.Tests.Chess;

public class BoardTests
{
    // Kiwipete as published (the h3 pawn matters: without it the counts differ).
    private const string Kiwipete = "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1";
    private const string Position3 = "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1";

    [Theory]
    [InlineData(Position.StartFen, 1, 20)]
    [InlineData(Position.StartFen, 2, 400)]
    [InlineData(Position.StartFen, 3, 8902)]
    [InlineData(Position.StartFen, 4, 197281)]
    [InlineData(Kiwipete, 1, 48)]
    [InlineData(Kiwipete, 2, 2039)]
    [InlineData(Kiwipete, 3, 97862)]
    [InlineData(Position3, 1, 14)]
    [InlineData(Position3, 2, 191)]
    [InlineData(Position3, 3, 2812)]
    [InlineData(Position3, 4, 43238)]
    // Position 4 (promotions, castling through checks) and 5 (a promotion-rich middlegame) of the chessprogramming wiki.
    [InlineData("r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1", 3, 9467)]
    [InlineData("rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8", 3, 62379)]
    public void PerftMatchesKnownCounts(string fen, int depth, long expected) =>
        Assert.Equal(expected, Position.FromFen(fen).Perft(depth));

    [Theory]
    [InlineData(Position.StartFen)]
    [InlineData(Kiwipete)]
    [InlineData("rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3")]
    [InlineData("8/8/8/8/8/8/8/K6k b - - 12 80")]
    public void FenRoundTrips(string fen) => Assert.Equal(fen, Position.FromFen(fen).ToFen());

    [Fact]
    public void BadFensAreRejectedWithTheReason()
    {
        Assert.Throws<FormatException>(() => Position.FromFen("8/8/8 w - -"));
        Assert.Throws<FormatException>(() => Position.FromFen("8/8/8/8/8/8/8/8 w - - 0 1")); // no kings
        Assert.Throws<FormatException>(() => Position.FromFen("rnbqkbnr/ppppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"));
    }

    [Fact]
    public void EnPassantCastlingAndPromotionAreGenerated()
    {
        var ep = Position.FromFen("rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3");
        Assert.Contains("e5f6", ep.SortedUci());
        var after = ep.Play(ep.FindUci("e5f6")!.Value);
        Assert.Equal(0, after[Square.Parse("f5")]); // the captured pawn is gone
        var castle = Position.FromFen(Kiwipete);
        Assert.Contains("e1g1", castle.SortedUci());
        Assert.Contains("e1c1", castle.SortedUci());
        var castled = castle.Play(Move.ParseUci("e1g1"));
        Assert.Equal(Piece.Rook, castled[Square.Parse("f1")]);
        Assert.Equal("r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R4RK1 b kq - 1 1", castled.ToFen());
        var promo = Position.FromFen("8/P7/8/8/8/8/8/k6K w - - 0 1");
        Assert.Equal(["a7a8b", "a7a8n", "a7a8q", "a7a8r"], promo.SortedUci().Where(m => m.StartsWith("a7")).ToArray());
    }

    [Fact]
    public void PinnedPiecesAndChecksRestrictMoves()
    {
        // The e2 knight is pinned by the e8 rook: it may not move.
        var pinned = Position.FromFen("4r2k/8/8/8/8/8/4N3/4K3 w - - 0 1");
        Assert.DoesNotContain(pinned.SortedUci(), m => m.StartsWith("e2"));
        // In check from a knight, only king moves or capturing the checker.
        var check = Position.FromFen("4k3/8/8/8/8/5n2/8/4K2R w K - 0 1");
        Assert.True(check.InCheck);
        Assert.DoesNotContain("e1g1", check.SortedUci());
        Assert.All(check.SortedUci(), m => Assert.StartsWith("e1", m));
    }

    [Fact]
    public void MateAndStalemateAreRecognised()
    {
        Assert.True(Position.FromFen("7k/6Q1/6K1/8/8/8/8/8 b - - 0 1").IsCheckmate);
        Assert.True(Position.FromFen("7k/5Q2/6K1/8/8/8/8/8 b - - 0 1").IsStalemate);
    }

    [Theory]
    [InlineData(Position.StartFen, "g1f3", "Nf3")]
    [InlineData(Kiwipete, "e1c1", "O-O-O")]
    [InlineData(Kiwipete, "e5f7", "Nxf7")]
    [InlineData(Kiwipete, "d5e6", "dxe6")]
    [InlineData("8/P7/8/8/8/8/8/k6K w - - 0 1", "a7a8q", "a8=Q+")]
    [InlineData("7k/8/6K1/8/8/8/8/R7 w - - 0 1", "a1a8", "Ra8#")]
    // Two knights can reach d2: disambiguate by file; two rooks on one file: by rank.
    [InlineData("4k3/8/8/8/8/8/8/1N2KN2 w - - 0 1", "b1d2", "Nbd2")]
    [InlineData("4k3/R7/8/8/8/8/8/R3K3 w - - 0 1", "a1a4", "R1a4")]
    public void SanIsWrittenAndReadBack(string fen, string uci, string san)
    {
        var p = Position.FromFen(fen);
        var move = p.FindUci(uci)!.Value;
        Assert.Equal(san, San.Of(p, move));
        Assert.Equal(move, San.Parse(p, san));
    }
}
