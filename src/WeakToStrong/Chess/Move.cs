namespace WeakToStrong.Chess;

/// <summary>A move as UCI sees it: from, to, and the promotion kind (0 or knight..queen). Castling is the king's two-square move.</summary>
internal readonly record struct Move(int From, int To, int Promotion = 0)
{
    public string Uci => Square.Name(From) + Square.Name(To) + (Promotion == 0 ? "" : Piece.ToChar(-Promotion).ToString());

    public override string ToString() => Uci;

    /// <summary>Parses UCI text (e2e4, e7e8q). Legality is the position's business.</summary>
    public static Move ParseUci(string uci)
    {
        if (uci.Length is not (4 or 5)) throw new FormatException($"'{uci}' is not a UCI move");
        int promotion = uci.Length == 5 ? Piece.Kind(Piece.FromChar(uci[4])) : 0;
        if (uci.Length == 5 && promotion is < Piece.Knight or > Piece.Queen) throw new FormatException($"'{uci}' promotes to an impossible piece");
        return new Move(Square.Parse(uci[..2]), Square.Parse(uci[2..4]), promotion);
    }
}
