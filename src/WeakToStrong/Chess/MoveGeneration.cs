namespace WeakToStrong.Chess;

/// <summary>Legal move generation: pseudo-legal moves, kept when the mover's king is not attacked afterwards.</summary>
internal sealed partial class Position
{
    private static readonly (int Df, int Dr)[] RookDirections = [(1, 0), (-1, 0), (0, 1), (0, -1)];
    private static readonly (int Df, int Dr)[] BishopDirections = [(1, 1), (1, -1), (-1, 1), (-1, -1)];
    private static readonly (int Df, int Dr)[] KnightJumps = [(1, 2), (2, 1), (2, -1), (1, -2), (-1, -2), (-2, -1), (-2, 1), (-1, 2)];

    // Per square and direction, the squares along the ray in order (precomputed so the inner loops do no bounds arithmetic).
    private static readonly int[][][] RookRays = Rays(RookDirections);
    private static readonly int[][][] BishopRays = Rays(BishopDirections);
    private static readonly int[][] KnightTargets = Steps(KnightJumps);
    private static readonly int[][] KingTargets = Steps([.. RookDirections, .. BishopDirections]);

    private static int[][][] Rays((int Df, int Dr)[] directions) =>
        Enumerable.Range(0, 64).Select(sq => directions.Select(d =>
        {
            var ray = new List<int>();
            int f = Square.File(sq) + d.Df, r = Square.Rank(sq) + d.Dr;
            for (; f is >= 0 and < 8 && r is >= 0 and < 8; f += d.Df, r += d.Dr) ray.Add(Square.Of(f, r));
            return ray.ToArray();
        }).ToArray()).ToArray();

    private static int[][] Steps((int Df, int Dr)[] steps) =>
        Enumerable.Range(0, 64).Select(sq => steps
            .Select(d => (F: Square.File(sq) + d.Df, R: Square.Rank(sq) + d.Dr))
            .Where(t => t.F is >= 0 and < 8 && t.R is >= 0 and < 8)
            .Select(t => Square.Of(t.F, t.R)).ToArray()).ToArray();

    /// <summary>Whether a piece of the given colour attacks the square.</summary>
    public bool IsAttacked(int sq, bool byWhite)
    {
        int sign = byWhite ? 1 : -1;
        foreach (int t in KnightTargets[sq]) if (board[t] == sign * Piece.Knight) return true;
        foreach (int t in KingTargets[sq]) if (board[t] == sign * Piece.King) return true;
        // A white pawn attacks diagonally upwards, so it stands diagonally below the square.
        int pawnRank = Square.Rank(sq) - sign;
        if (pawnRank is >= 0 and < 8)
            foreach (int df in (ReadOnlySpan<int>)[-1, 1])
            {
                int f = Square.File(sq) + df;
                if (f is >= 0 and < 8 && board[Square.Of(f, pawnRank)] == sign * Piece.Pawn) return true;
            }
        if (RayHits(RookRays[sq], sign * Piece.Rook, sign * Piece.Queen)) return true;
        return RayHits(BishopRays[sq], sign * Piece.Bishop, sign * Piece.Queen);
    }

    private bool RayHits(int[][] rays, int slider, int queen)
    {
        foreach (var ray in rays)
            foreach (int t in ray)
            {
                int p = board[t];
                if (p == 0) continue;
                if (p == slider || p == queen) return true;
                break;
            }
        return false;
    }

    private IReadOnlyList<Move>? _legal;

    /// <summary>The legal moves, in generation order (sort their UCI text for a canonical order).</summary>
    public IReadOnlyList<Move> LegalMoves => _legal ??= GenerateLegal();

    private List<Move> GenerateLegal()
    {
        var legal = new List<Move>(48);
        bool white = WhiteToMove;
        foreach (var m in PseudoLegal())
        {
            var after = Play(m);
            if (!after.IsAttacked(after.KingSquare(white), byWhite: !white)) legal.Add(m);
        }
        return legal;
    }

    private List<Move> PseudoLegal()
    {
        var moves = new List<Move>(64);
        int sign = WhiteToMove ? 1 : -1;
        for (int sq = 0; sq < 64; sq++)
        {
            int p = board[sq] * sign;
            if (p <= 0) continue;
            switch (p)
            {
                case Piece.Pawn: PawnMoves(sq, sign, moves); break;
                case Piece.Knight: Targets(sq, KnightTargets[sq], sign, moves); break;
                case Piece.King: Targets(sq, KingTargets[sq], sign, moves); Castles(sq, moves); break;
                default:
                    if (p is Piece.Rook or Piece.Queen) Slides(sq, RookRays[sq], sign, moves);
                    if (p is Piece.Bishop or Piece.Queen) Slides(sq, BishopRays[sq], sign, moves);
                    break;
            }
        }
        return moves;
    }

    private void Targets(int from, int[] targets, int sign, List<Move> moves)
    {
        foreach (int t in targets) if (board[t] * sign <= 0) moves.Add(new Move(from, t));
    }

    private void Slides(int from, int[][] rays, int sign, List<Move> moves)
    {
        foreach (var ray in rays)
            foreach (int t in ray)
            {
                int p = board[t] * sign;
                if (p > 0) break;
                moves.Add(new Move(from, t));
                if (p < 0) break;
            }
    }

    private void PawnMoves(int from, int sign, List<Move> moves)
    {
        int rank = Square.Rank(from), file = Square.File(from);
        int forward = from + 8 * sign;
        bool promotes = Square.Rank(forward) == (sign > 0 ? 7 : 0);
        if (board[forward] == 0)
        {
            AddPawn(from, forward, promotes, moves);
            bool home = rank == (sign > 0 ? 1 : 6);
            if (home && board[forward + 8 * sign] == 0) moves.Add(new Move(from, forward + 8 * sign));
        }
        foreach (int df in (ReadOnlySpan<int>)[-1, 1])
        {
            if (file + df is < 0 or > 7) continue;
            int t = forward + df;
            if (board[t] * sign < 0 || t == EnPassant) AddPawn(from, t, promotes, moves);
        }
    }

    private static void AddPawn(int from, int to, bool promotes, List<Move> moves)
    {
        if (!promotes) { moves.Add(new Move(from, to)); return; }
        for (int k = Piece.Queen; k >= Piece.Knight; k--) moves.Add(new Move(from, to, k));
    }

    private void Castles(int king, List<Move> moves)
    {
        bool white = WhiteToMove;
        int home = white ? 4 : 60;
        if (king != home) return;
        int kingside = white ? WhiteKingside : BlackKingside, queenside = white ? WhiteQueenside : BlackQueenside;
        if ((Castling & (kingside | queenside)) == 0 || IsAttacked(home, !white)) return;
        // The king may not pass through an attacked square; the landing square is checked by the legality filter.
        if ((Castling & kingside) != 0 && board[home + 1] == 0 && board[home + 2] == 0 && !IsAttacked(home + 1, !white))
            moves.Add(new Move(home, home + 2));
        if ((Castling & queenside) != 0 && board[home - 1] == 0 && board[home - 2] == 0 && board[home - 3] == 0 && !IsAttacked(home - 1, !white))
            moves.Add(new Move(home, home - 2));
    }

    /// <summary>The legal moves as sorted UCI strings: the canonical order that class indices of the chess task refer to.</summary>
    public IReadOnlyList<string> SortedUci() => LegalMoves.Select(m => m.Uci).Order(StringComparer.Ordinal).ToList();

    public bool IsCheckmate => LegalMoves.Count == 0 && InCheck;
    public bool IsStalemate => LegalMoves.Count == 0 && !InCheck;

    /// <summary>The legal move with this UCI text, or null.</summary>
    public Move? FindUci(string uci)
    {
        foreach (var m in LegalMoves) if (m.Uci == uci) return m;
        return null;
    }

    /// <summary>Leaf count of the move tree to the given depth (perft), the standard move-generator test.</summary>
    public long Perft(int depth)
    {
        if (depth == 0) return 1;
        if (depth == 1) return LegalMoves.Count;
        long n = 0;
        foreach (var m in LegalMoves) n += Play(m).Perft(depth - 1);
        return n;
    }

    /// <summary>Perft split by root move (UCI → count), as Stockfish's `go perft` prints it.</summary>
    public IReadOnlyDictionary<string, long> PerftDivide(int depth) =>
        LegalMoves.ToDictionary(m => m.Uci, m => Play(m).Perft(depth - 1));
}
