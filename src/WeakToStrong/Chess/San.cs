using System.Text;

namespace WeakToStrong.Chess;

/// <summary>Standard algebraic notation (SAN): writing a legal move and reading one back (as PGN files write them).</summary>
internal static class San
{
    public static string Of(Position position, Move move)
    {
        int piece = Piece.Kind(position[move.From]);
        var sb = new StringBuilder(8);
        if (piece == Piece.King && Math.Abs(move.To - move.From) == 2)
            sb.Append(move.To > move.From ? "O-O" : "O-O-O");
        else
        {
            bool capture = position[move.To] != 0 || (piece == Piece.Pawn && Square.File(move.From) != Square.File(move.To));
            if (piece == Piece.Pawn)
            {
                if (capture) sb.Append((char)('a' + Square.File(move.From)));
            }
            else
            {
                sb.Append(Piece.ToChar(piece));
                // Disambiguate among same-kind pieces that can reach the same square: file, else rank, else both.
                var rivals = position.LegalMoves.Where(m => m.To == move.To && m.From != move.From && Piece.Kind(position[m.From]) == piece).ToList();
                if (rivals.Count > 0)
                {
                    bool fileUnique = rivals.All(m => Square.File(m.From) != Square.File(move.From));
                    bool rankUnique = rivals.All(m => Square.Rank(m.From) != Square.Rank(move.From));
                    if (fileUnique) sb.Append((char)('a' + Square.File(move.From)));
                    else if (rankUnique) sb.Append((char)('1' + Square.Rank(move.From)));
                    else sb.Append(Square.Name(move.From));
                }
            }
            if (capture) sb.Append('x');
            sb.Append(Square.Name(move.To));
            if (move.Promotion != 0) sb.Append('=').Append(Piece.ToChar(move.Promotion));
        }
        var after = position.Play(move);
        if (after.InCheck) sb.Append(after.LegalMoves.Count == 0 ? '#' : '+');
        return sb.ToString();
    }

    /// <summary>The legal move this SAN names (check marks, annotations and 0-0 spellings tolerated). Throws if none or several.</summary>
    public static Move Parse(Position position, string san)
    {
        string clean = san.Trim().TrimEnd('+', '#', '!', '?').Replace("0-0", "O-O");
        var matches = position.LegalMoves.Where(m => Strip(Of(position, m)) == clean).ToList();
        // Lenient forms: promotion without '=', or an over-disambiguated piece move.
        if (matches.Count == 0)
            matches = position.LegalMoves.Where(m => Strip(Of(position, m)).Replace("=", "") == clean.Replace("=", "")).ToList();
        if (matches.Count == 0 && clean.Length >= 4 && char.IsUpper(clean[0]) && clean[0] != 'O')
            matches = position.LegalMoves.Where(m => Piece.ToChar(Piece.Kind(position[m.From])) == clean[0]
                && clean.EndsWith(Square.Name(m.To), StringComparison.Ordinal) && clean.Contains(Square.Name(m.From), StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new FormatException($"'{san}' is not a legal move in {position.ToFen()}"),
            _ => throw new FormatException($"'{san}' is ambiguous in {position.ToFen()}"),
        };
    }

    private static string Strip(string san) => san.TrimEnd('+', '#');
}
