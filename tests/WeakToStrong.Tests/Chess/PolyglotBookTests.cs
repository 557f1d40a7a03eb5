using WeakToStrong.Chess;

namespace WeakToStrong.Tests.Chess;

public class PolyglotBookTests
{
    private static readonly Lazy<PolyglotBook> Book = new(() => new PolyglotBook());

    private static Position After(params string[] moves) => moves.Aggregate(Position.Start, (p, m) => p.Play(Move.ParseUci(m)));

    /// <summary>The key test vectors of the Polyglot book format's specification.</summary>
    [PychessTheory]
    [InlineData(0x463b96181691fc9cUL)]
    [InlineData(0x823c9b50fd114196UL, "e2e4")]
    [InlineData(0x0756b94461c50fb0UL, "e2e4", "d7d5")]
    [InlineData(0x662fafb965db29d4UL, "e2e4", "d7d5", "e4e5")]
    [InlineData(0x22a48b5a8e47ff78UL, "e2e4", "d7d5", "e4e5", "f7f5")] // en passant possible: the file counts
    [InlineData(0x652a607ca3f242c1UL, "e2e4", "d7d5", "e4e5", "f7f5", "e1e2")]
    [InlineData(0x00fdd303c946bdd9UL, "e2e4", "d7d5", "e4e5", "f7f5", "e1e2", "e8f7")]
    [InlineData(0x3c8123ea7b067637UL, "a2a4", "b7b5", "h2h4", "b5b4", "c2c4")] // en passant possible for black
    [InlineData(0x5c3f9b829b279560UL, "a2a4", "b7b5", "h2h4", "b5b4", "c2c4", "b4c3", "a1a3")]
    public void KeysMatchTheSpecification(ulong expected, params string[] moves) =>
        Assert.Equal(expected.ToString("x16"), Book.Value.Key(After(moves)).ToString("x16"));

    [PychessFact]
    public void TheBookKnowsTheMainOpenings()
    {
        Assert.Equal(136_947, Book.Value.Entries);
        var first = Book.Value.Moves(Position.Start).Select(m => m.Uci).ToList();
        Assert.Contains("e2e4", first);
        Assert.Contains("d2d4", first);
        Assert.Contains(Book.Value.Moves(After("e2e4")), m => m.Uci == "c7c5" || m.Uci == "e7e5"); // Sicilian or open game
        Assert.Empty(Book.Value.Moves(After("g2g4", "e7e5", "f2f3"))); // a position no book line reaches
    }

    [PychessFact(Engine = true)]
    public void BookOpeningGamesFollowTheBookThenTheEngineAndRepeatForASeed()
    {
        using var engine = new UciEngine();
        var settings = new SelfPlaySettings(RandomPlies: 0, BookPlies: 10, MaxPlies: 24);
        var game = SelfPlay.Play(engine, settings, seed: 7, Book.Value);
        var again = SelfPlay.Play(engine, settings, seed: 7, Book.Value);
        Assert.Equal(game.Moves, again.Moves);
        Assert.Equal(game.RandomPlies, again.RandomPlies);
        Assert.InRange(game.RandomPlies, 1, 10); // the opening plies taken from the book
        foreach (var (before, played, _) in game.Positions().Take(game.RandomPlies))
            Assert.Contains(Book.Value.Moves(before), m => m.Uci == played);
        Assert.NotEqual(game.Moves, SelfPlay.Play(engine, settings, seed: 8, Book.Value).Moves);
        Assert.Throws<ArgumentException>(() => SelfPlay.Play(engine, settings, seed: 7)); // book settings without a book
    }

    [Fact]
    public void CastlingIsDecodedFromKingTakesRook()
    {
        var p = Position.FromFen("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1");
        ushort Encode(int from, int to) => (ushort)(Square.File(to) | Square.Rank(to) << 3 | Square.File(from) << 6 | Square.Rank(from) << 9);
        Assert.Equal("e1g1", PolyglotBook.DecodeMove(Encode(Square.Parse("e1"), Square.Parse("h1")), p));
        Assert.Equal("e1c1", PolyglotBook.DecodeMove(Encode(Square.Parse("e1"), Square.Parse("a1")), p));
        Assert.Equal("e1f1", PolyglotBook.DecodeMove(Encode(Square.Parse("e1"), Square.Parse("f1")), p));
        var promotion = Position.FromFen("8/P7/8/8/8/8/8/k6K w - - 0 1");
        Assert.Equal("a7a8q", PolyglotBook.DecodeMove((ushort)(Encode(Square.Parse("a7"), Square.Parse("a8")) | 4 << 12), promotion));
        Assert.Equal("a7a8n", PolyglotBook.DecodeMove((ushort)(Encode(Square.Parse("a7"), Square.Parse("a8")) | 1 << 12), promotion));
    }
}
