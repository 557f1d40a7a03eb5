using System.Text;

namespace WeakToStrong.Chess;

/// <summary>
/// An immutable chess position: the board, side to move, castling rights, en-passant square and move counters.
/// <see cref="Play"/> returns a new position (copy-make), so callers never undo moves.
/// </summary>
internal sealed partial class Position
{
    public const string StartFen = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1";

    /// <summary>Castling-right bits.</summary>
    public const int WhiteKingside = 1, WhiteQueenside = 2, BlackKingside = 4, BlackQueenside = 8;

    private readonly int[] board; // 64 squares, see Piece

    public bool WhiteToMove { get; }
    public int Castling { get; }
    /// <summary>The square a pawn passed over on the last move (as FEN gives it), or -1.</summary>
    public int EnPassant { get; }
    public int HalfmoveClock { get; }
    public int FullmoveNumber { get; }

    private Position(int[] board, bool whiteToMove, int castling, int enPassant, int halfmove, int fullmove)
    {
        this.board = board;
        WhiteToMove = whiteToMove;
        Castling = castling;
        EnPassant = enPassant;
        HalfmoveClock = halfmove;
        FullmoveNumber = fullmove;
    }

    public static Position Start => FromFen(StartFen);

    public int this[int square] => board[square];

    /// <summary>Parses a FEN; the two move counters may be missing (EPD), then they default to 0 and 1.</summary>
    public static Position FromFen(string fen)
    {
        var parts = fen.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 4) throw new FormatException($"FEN needs at least 4 fields: '{fen}'");
        var board = new int[64];
        var ranks = parts[0].Split('/');
        if (ranks.Length != 8) throw new FormatException($"FEN board needs 8 ranks: '{fen}'");
        for (int r = 0; r < 8; r++)
        {
            int file = 0;
            foreach (char c in ranks[r])
            {
                if (c is >= '1' and <= '8') file += c - '0';
                else
                {
                    if (file > 7) throw new FormatException($"FEN rank {8 - r} is too long: '{fen}'");
                    board[Square.Of(file++, 7 - r)] = Piece.FromChar(c);
                }
            }
            if (file != 8) throw new FormatException($"FEN rank {8 - r} has {file} files: '{fen}'");
        }
        if (board.Count(p => p == Piece.King) != 1 || board.Count(p => p == -Piece.King) != 1)
            throw new FormatException($"FEN needs one king of each colour: '{fen}'");
        bool white = parts[1] switch { "w" => true, "b" => false, _ => throw new FormatException($"side to move must be w or b: '{fen}'") };
        int castling = 0;
        if (parts[2] != "-")
            foreach (char c in parts[2])
                castling |= c switch
                {
                    'K' => WhiteKingside, 'Q' => WhiteQueenside, 'k' => BlackKingside, 'q' => BlackQueenside,
                    _ => throw new FormatException($"bad castling field: '{fen}'"),
                };
        // Drop rights the board contradicts (king or rook not at home), so generation never castles from nowhere.
        if (board[4] != Piece.King) castling &= ~(WhiteKingside | WhiteQueenside);
        if (board[7] != Piece.Rook) castling &= ~WhiteKingside;
        if (board[0] != Piece.Rook) castling &= ~WhiteQueenside;
        if (board[60] != -Piece.King) castling &= ~(BlackKingside | BlackQueenside);
        if (board[63] != -Piece.Rook) castling &= ~BlackKingside;
        if (board[56] != -Piece.Rook) castling &= ~BlackQueenside;
        int ep = parts[3] == "-" ? -1 : Square.Parse(parts[3]);
        int half = parts.Length > 4 && int.TryParse(parts[4], out var h) ? h : 0;
        int full = parts.Length > 5 && int.TryParse(parts[5], out var f) ? Math.Max(1, f) : 1; // puzzle files write 0
        return new Position(board, white, castling, ep, half, full);
    }

    /// <summary>The FEN's first field for 64 squares (a1 = 0).</summary>
    internal static string BoardField(IReadOnlyList<int> squares)
    {
        var sb = new StringBuilder(72);
        for (int r = 7; r >= 0; r--)
        {
            int empty = 0;
            for (int f = 0; f < 8; f++)
            {
                int p = squares[Square.Of(f, r)];
                if (p == 0) { empty++; continue; }
                if (empty > 0) { sb.Append(empty); empty = 0; }
                sb.Append(Piece.ToChar(p));
            }
            if (empty > 0) sb.Append(empty);
            if (r > 0) sb.Append('/');
        }
        return sb.ToString();
    }

    public string ToFen()
    {
        var sb = new StringBuilder(BoardField(board), 90);
        sb.Append(WhiteToMove ? " w " : " b ");
        if (Castling == 0) sb.Append('-');
        if ((Castling & WhiteKingside) != 0) sb.Append('K');
        if ((Castling & WhiteQueenside) != 0) sb.Append('Q');
        if ((Castling & BlackKingside) != 0) sb.Append('k');
        if ((Castling & BlackQueenside) != 0) sb.Append('q');
        sb.Append(' ').Append(EnPassant < 0 ? "-" : Square.Name(EnPassant));
        sb.Append(' ').Append(HalfmoveClock).Append(' ').Append(FullmoveNumber);
        return sb.ToString();
    }

    public override string ToString() => ToFen();

    /// <summary>The FEN without the move counters: identifies the position for deduplication and caches.</summary>
    public string Key => string.Join(' ', ToFen().Split(' ').Take(4));

    public int KingSquare(bool white) => Array.IndexOf(board, white ? Piece.King : -Piece.King);

    public bool InCheck => IsAttacked(KingSquare(WhiteToMove), byWhite: !WhiteToMove);

    /// <summary>The position after a move (assumed pseudo-legal here; use LegalMoves to know).</summary>
    public Position Play(Move m)
    {
        var b = (int[])board.Clone();
        int piece = b[m.From];
        int kind = Piece.Kind(piece);
        bool capture = b[m.To] != 0;
        b[m.To] = m.Promotion != 0 ? (WhiteToMove ? m.Promotion : -m.Promotion) : piece;
        b[m.From] = 0;
        int ep = -1;
        if (kind == Piece.Pawn)
        {
            if (m.To == EnPassant && Square.File(m.From) != Square.File(m.To) && !capture)
            {
                b[m.To + (WhiteToMove ? -8 : 8)] = 0; // the captured pawn stands behind the target square
                capture = true;
            }
            if (Math.Abs(m.To - m.From) == 16) ep = (m.From + m.To) / 2;
        }
        else if (kind == Piece.King && Math.Abs(m.To - m.From) == 2)
        {
            // Castling: move the rook to the square the king crossed.
            int rookFrom = m.To > m.From ? m.From + 3 : m.From - 4;
            int rookTo = (m.From + m.To) / 2;
            b[rookTo] = b[rookFrom];
            b[rookFrom] = 0;
        }
        int castling = Castling & RightsKept[m.From] & RightsKept[m.To];
        return new Position(b, !WhiteToMove, castling, ep,
            kind == Piece.Pawn || capture ? 0 : HalfmoveClock + 1,
            WhiteToMove ? FullmoveNumber : FullmoveNumber + 1);
    }

    /// <summary>Per square, the castling rights that survive a move touching it (kings and rooks leaving home, rooks captured).</summary>
    private static readonly int[] RightsKept = BuildRightsKept();

    private static int[] BuildRightsKept()
    {
        var keep = Enumerable.Repeat(15, 64).ToArray();
        keep[4] = ~(WhiteKingside | WhiteQueenside) & 15;
        keep[7] = ~WhiteKingside & 15;
        keep[0] = ~WhiteQueenside & 15;
        keep[60] = ~(BlackKingside | BlackQueenside) & 15;
        keep[63] = ~BlackKingside & 15;
        keep[56] = ~BlackQueenside & 15;
        return keep;
    }
}
