namespace WeakToStrong.Chess;

/// <summary>
/// Pieces as small signed integers: positive white, negative black, 0 empty; the magnitude is the kind
/// (1 pawn, 2 knight, 3 bishop, 4 rook, 5 queen, 6 king). Cheap to copy, which keeps copy-make move generation simple.
/// </summary>
internal static class Piece
{
    public const int None = 0, Pawn = 1, Knight = 2, Bishop = 3, Rook = 4, Queen = 5, King = 6;

    public static int Kind(int piece) => Math.Abs(piece);
    public static bool IsWhite(int piece) => piece > 0;

    /// <summary>FEN letter: uppercase for white.</summary>
    public static char ToChar(int piece)
    {
        char c = " pnbrqk"[Kind(piece)];
        return piece > 0 ? char.ToUpperInvariant(c) : c;
    }

    public static int FromChar(char c)
    {
        int kind = "pnbrqk".IndexOf(char.ToLowerInvariant(c)) + 1;
        if (kind == 0) throw new FormatException($"'{c}' is not a piece letter");
        return char.IsUpper(c) ? kind : -kind;
    }
}

/// <summary>Squares 0..63: a1 = 0, b1 = 1, ..., h8 = 63.</summary>
internal static class Square
{
    public static int File(int sq) => sq & 7;
    public static int Rank(int sq) => sq >> 3;
    public static int Of(int file, int rank) => rank * 8 + file;
    public static string Name(int sq) => $"{(char)('a' + File(sq))}{(char)('1' + Rank(sq))}";

    public static int Parse(string s)
    {
        if (s.Length != 2 || s[0] is < 'a' or > 'h' || s[1] is < '1' or > '8') throw new FormatException($"'{s}' is not a square");
        return Of(s[0] - 'a', s[1] - '1');
    }
}
