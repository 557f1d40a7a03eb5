namespace WeakToStrong.Chess;

/// <summary>
/// Turns a position and its listed moves into token ids for the chess models. The board is seen from the side to move
/// (ranks mirrored and colours swapped when black moves), so one set of weights serves both colours.
/// Square tokens: piece (0 empty, 1-6 own pawn..king, 7-12 the opponent's) × attacked by the opponent × defended by us;
/// then castling rights (16 ids) and the en-passant file (9 ids).
/// Moves: from + 64·to + 4096·promotion (0 none, 1-4 knight..queen) + 20480·tactics, where tactics = captured kind (0-6)
/// × moving kind × gives check × lands on a square the opponent attacks. These are the facts a one-ply look gives: small
/// models trained on a few thousand batches do not learn piece movement from scratch, so they are given; what to make of
/// them is left to the model.
/// </summary>
internal static class BoardEncoding
{
    public const int Squares = 64;
    public const int Tokens = Squares + 2;
    private const int SquareIds = 13 * 4;
    public const int Vocabulary = SquareIds + 16 + 9;
    public const int MoveGeometry = 64 * 64 * 5;
    public const int Tactics = 7 * 6 * 2 * 2;

    public static (long[] Tokens, long[] Moves) Encode(string fen, IReadOnlyList<string> moves)
    {
        var p = Position.FromFen(fen);
        bool us = p.WhiteToMove;
        bool flip = !us;
        var tokens = new long[Tokens];
        for (int sq = 0; sq < 64; sq++)
        {
            int piece = p[sq];
            int id = piece == 0 ? 0 : Piece.Kind(piece) + (Piece.IsWhite(piece) == us ? 0 : 6);
            int attacked = p.IsAttacked(sq, byWhite: !us) ? 1 : 0;
            int defended = p.IsAttacked(sq, byWhite: us) ? 1 : 0;
            tokens[Canonical(sq, flip)] = id * 4 + attacked * 2 + defended;
        }
        int c = p.Castling;
        int ownRights = us ? c & 3 : (c >> 2) & 3;
        int oppRights = us ? (c >> 2) & 3 : c & 3;
        tokens[64] = SquareIds + ownRights + 4 * oppRights;
        tokens[65] = SquareIds + 16 + (p.EnPassant < 0 ? 8 : Square.File(p.EnPassant));
        var encoded = new long[moves.Count];
        for (int i = 0; i < moves.Count; i++)
        {
            var m = Move.ParseUci(moves[i]);
            int promotion = m.Promotion == 0 ? 0 : m.Promotion - 1; // knight 2 → 1 ... queen 5 → 4
            int mover = Piece.Kind(p[m.From]);
            int victim = Piece.Kind(p[m.To]);
            if (mover == Piece.Pawn && victim == 0 && Square.File(m.From) != Square.File(m.To)) victim = Piece.Pawn; // en passant
            var after = p.Play(m);
            int check = after.InCheck ? 1 : 0;
            int unsafeSquare = after.IsAttacked(m.To, byWhite: !us) ? 1 : 0;
            int tactics = ((victim * 6 + (mover - 1)) * 2 + check) * 2 + unsafeSquare;
            encoded[i] = Canonical(m.From, flip) + 64 * Canonical(m.To, flip) + 4096 * promotion + (long)MoveGeometry * tactics;
        }
        return (tokens, encoded);
    }

    private static int Canonical(int sq, bool flip) => flip ? sq ^ 56 : sq;
}
