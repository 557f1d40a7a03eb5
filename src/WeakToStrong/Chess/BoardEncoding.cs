namespace WeakToStrong.Chess;

/// <summary>
/// Turns a position and its listed moves into token ids for the chess models. The board is seen from the side to move
/// (ranks mirrored and colours swapped when black moves), so one set of weights serves both colours.
/// Tokens: 64 squares (0 empty, 1-6 own pawn..king, 7-12 the opponent's), then castling rights (16 ids) and the
/// en-passant file (9 ids). Moves: from + 64·to + 4096·promotion (0 none, 1-4 knight..queen), in the listed order.
/// </summary>
public static class BoardEncoding
{
    public const int Squares = 64;
    public const int Tokens = Squares + 2;
    public const int Vocabulary = 13 + 16 + 9;

    public static (long[] Tokens, long[] Moves) Encode(string fen, IReadOnlyList<string> moves)
    {
        var p = Position.FromFen(fen);
        bool flip = !p.WhiteToMove;
        var tokens = new long[Tokens];
        for (int sq = 0; sq < 64; sq++)
        {
            int piece = p[sq];
            if (piece == 0) continue;
            bool own = Piece.IsWhite(piece) == p.WhiteToMove;
            tokens[Canonical(sq, flip)] = Piece.Kind(piece) + (own ? 0 : 6);
        }
        int c = p.Castling;
        int ownRights = p.WhiteToMove ? c & 3 : (c >> 2) & 3;
        int oppRights = p.WhiteToMove ? (c >> 2) & 3 : c & 3;
        tokens[64] = 13 + ownRights + 4 * oppRights;
        tokens[65] = 29 + (p.EnPassant < 0 ? 8 : Square.File(p.EnPassant));
        var encoded = new long[moves.Count];
        for (int i = 0; i < moves.Count; i++)
        {
            var m = Move.ParseUci(moves[i]);
            int promotion = m.Promotion == 0 ? 0 : m.Promotion - 1; // knight 2 → 1 ... queen 5 → 4
            encoded[i] = Canonical(m.From, flip) + 64 * Canonical(m.To, flip) + 4096 * promotion;
        }
        return (tokens, encoded);
    }

    private static int Canonical(int sq, bool flip) => flip ? sq ^ 56 : sq;
}
