using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;

namespace WeakToStrong.Chess;

/// <summary>A book move with its weight (proportional to how often the book would play it).</summary>
internal readonly record struct BookMove(string Uci, int Weight);

/// <summary>
/// A Polyglot opening book (pychess ships one): 16-byte big-endian entries (position key, move, weight, learn) sorted by
/// key. Keys are Polyglot's Zobrist hashes, whose 781 standard random numbers are read at run time from the installed
/// pychess package (GPL data: read from the package, never committed).
/// </summary>
internal sealed class PolyglotBook
{
    public const string DefaultPath = "/usr/share/pychess/pychess_book.bin";
    public const string DefaultKeysPath = "/usr/lib/python3/dist-packages/pychess/Utils/lutils/PolyglotHash.py";

    private readonly ulong[] keys;
    private readonly ushort[] moves;
    private readonly ushort[] weights;
    private readonly PolyglotKeys zobrist;

    public PolyglotBook(string path = DefaultPath, string keysPath = DefaultKeysPath)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length % 16 != 0) throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of 16-byte Polyglot entries; " +
                "reinstall the book (apt-get install --reinstall pychess) or pass another Polyglot .bin file");
        int n = bytes.Length / 16;
        keys = new ulong[n];
        moves = new ushort[n];
        weights = new ushort[n];
        for (int i = 0; i < n; i++)
        {
            var entry = bytes.AsSpan(16 * i, 16);
            keys[i] = BinaryPrimitives.ReadUInt64BigEndian(entry);
            moves[i] = BinaryPrimitives.ReadUInt16BigEndian(entry[8..]);
            weights[i] = BinaryPrimitives.ReadUInt16BigEndian(entry[10..]);
            if (i > 0 && keys[i] < keys[i - 1]) throw new InvalidDataException($"{path}: entry {i} is out of key order; a Polyglot book is sorted by key " +
                "(reinstall it with apt-get install --reinstall pychess, or sort the file by key)");
        }
        zobrist = PolyglotKeys.Read(keysPath);
        Path = path;
    }

    public string Path { get; }
    public int Entries => keys.Length;

    /// <summary>The position's Polyglot key.</summary>
    public ulong Key(Position p) => zobrist.Of(p);

    /// <summary>The book's legal moves in this position (UCI), in book order; empty when the position is out of book.</summary>
    public IReadOnlyList<BookMove> Moves(Position p)
    {
        ulong key = Key(p);
        int i = LowerBound(key);
        var legal = p.SortedUci().ToHashSet(StringComparer.Ordinal);
        var found = new List<BookMove>();
        for (; i < keys.Length && keys[i] == key; i++)
        {
            var uci = DecodeMove(moves[i], p);
            if (weights[i] > 0 && legal.Contains(uci)) found.Add(new BookMove(uci, weights[i])); // a key collision gives illegal moves
        }
        return found;
    }

    private int LowerBound(ulong key)
    {
        int low = 0, high = keys.Length;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (keys[mid] < key) low = mid + 1; else high = mid;
        }
        return low;
    }

    /// <summary>Polyglot packs to-file, to-rank, from-file, from-rank, promotion in 3 bits each; castling is "king takes rook".</summary>
    internal static string DecodeMove(ushort m, Position p)
    {
        int to = Square.Of(m & 7, (m >> 3) & 7), from = Square.Of((m >> 6) & 7, (m >> 9) & 7), promotion = (m >> 12) & 7;
        if (Piece.Kind(p[from]) == Piece.King && p[to] != 0 && Piece.IsWhite(p[to]) == Piece.IsWhite(p[from]) && Piece.Kind(p[to]) == Piece.Rook)
            to = Square.Of(Square.File(to) > Square.File(from) ? 6 : 2, Square.Rank(from));
        return new Move(from, to, promotion == 0 ? 0 : Piece.Knight + promotion - 1).Uci;
    }
}

/// <summary>Polyglot's Zobrist keys: 768 piece-square numbers, 4 castling, 8 en-passant files and one for white to move.</summary>
internal sealed class PolyglotKeys(ulong[] pieces, ulong[] castling, ulong[] enPassant, ulong whiteToMove)
{
    /// <summary>
    /// Reads the numbers from pychess's PolyglotHash.py: pieceHashes[colour][piece][square] (white then black; pawn..king after
    /// an all-zero "empty" row), epHashes[file], W_OOHash, W_OOOHash, B_OOHash, B_OOOHash and colorHash.
    /// </summary>
    public static PolyglotKeys Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: Polyglot's Zobrist numbers are read from the pychess package; install it (apt-get install pychess)", path);
        var text = File.ReadAllText(path);
        string Section(string from, string to)
        {
            int a = text.IndexOf(from, StringComparison.Ordinal), b = text.IndexOf(to, a + 1, StringComparison.Ordinal);
            if (a < 0 || b < 0) throw new InvalidDataException($"{path}: no '{from}' ... '{to}' section; this pychess version lays out its Polyglot numbers differently (the reader follows pychess 1.0.3, Debian's)");
            return text[a..b];
        }
        static List<ulong> Hex(string s) => Regex.Matches(s, @"0x([0-9a-fA-F]{1,16})\b(?!\]\s*\*)")
            .Select(m => ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToList();
        ulong Named(string name)
        {
            var m = Regex.Match(text, $@"^{name}\s*=\s*0x([0-9a-fA-F]{{1,16}})\s*$", RegexOptions.Multiline);
            if (!m.Success) throw new InvalidDataException($"{path}: no line '{name} = 0x...' (the reader follows pychess 1.0.3, Debian's)");
            return ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        var byColour = Hex(Section("pieceHashes = [", "epHashes")); // white pawn..king, then black pawn..king, 64 each
        var ep = Hex(Section("epHashes", "W_OOHash"));
        if (byColour.Count != 768 || ep.Count != 8)
            throw new InvalidDataException($"{path}: expected 768 piece-square and 8 en-passant numbers, read {byColour.Count} and {ep.Count} " +
                "(the reader follows pychess 1.0.3, Debian's)");
        // Polyglot's order: black pawn, white pawn, black knight, white knight, ... (64 squares each, a1 = 0).
        var pieces = new ulong[768];
        for (int kind = 0; kind < 6; kind++)
            for (int sq = 0; sq < 64; sq++)
            {
                pieces[64 * (2 * kind + 1) + sq] = byColour[64 * kind + sq];        // white
                pieces[64 * (2 * kind) + sq] = byColour[384 + 64 * kind + sq];      // black
            }
        return new PolyglotKeys(pieces, [Named("W_OOHash"), Named("W_OOOHash"), Named("B_OOHash"), Named("B_OOOHash")], ep.ToArray(), Named("colorHash"));
    }

    public ulong Of(Position p)
    {
        ulong key = 0;
        for (int sq = 0; sq < 64; sq++)
            if (p[sq] is var piece && piece != 0)
                key ^= pieces[64 * (2 * (Piece.Kind(piece) - 1) + (Piece.IsWhite(piece) ? 1 : 0)) + sq];
        int[] rights = [Position.WhiteKingside, Position.WhiteQueenside, Position.BlackKingside, Position.BlackQueenside];
        for (int i = 0; i < 4; i++)
            if ((p.Castling & rights[i]) != 0) key ^= castling[i];
        // The en-passant file counts only when a pawn of the side to move stands beside the pawn that just moved.
        if (p.EnPassant >= 0)
        {
            int file = Square.File(p.EnPassant), rank = p.WhiteToMove ? 4 : 3, pawn = p.WhiteToMove ? Piece.Pawn : -Piece.Pawn;
            if ((file > 0 && p[Square.Of(file - 1, rank)] == pawn) || (file < 7 && p[Square.Of(file + 1, rank)] == pawn)) key ^= enPassant[file];
        }
        if (p.WhiteToMove) key ^= whiteToMove;
        return key;
    }
}
