using System.Text.RegularExpressions;

namespace WeakToStrong.Chess;

/// <summary>A candidate puzzle position and where it came from (source file and entry, for provenance and grouped splits).</summary>
internal sealed record PuzzleCandidate(string Fen, string Source, string Group, string Kind);

/// <summary>
/// Readers for the puzzle files of the Debian pychess package (GPL data, read from the installed package, never copied):
/// PGN mate puzzles (a FEN header and the solution in SAN) and the composed problems of the .olv files (YAML with piece lists).
/// </summary>
internal static partial class PuzzleSources
{
    public const string PuzzleFolder = "/usr/share/pychess/learn/puzzles";

    /// <summary>Mate puzzles of a PGN file: the start position and the attacker's later positions along the solution.</summary>
    public static IEnumerable<PuzzleCandidate> ReadPgn(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        int index = 0;
        foreach (var (fen, movetext) in PgnGames(File.ReadAllText(path, System.Text.Encoding.Latin1))) // the files are ISO-8859-1
        {
            index++;
            Position p;
            try { p = Position.FromFen(fen); }
            catch (FormatException) { continue; }
            string group = $"{name}#{index}";
            yield return new PuzzleCandidate(p.ToFen(), name, group, "pgn-start");
            bool attacker = p.WhiteToMove;
            foreach (var san in SanTokens(movetext))
            {
                Move m;
                try { m = San.Parse(p, san); }
                catch (FormatException) { break; } // a solution our parser cannot follow: keep what we have
                p = p.Play(m);
                if (p.WhiteToMove == attacker && p.LegalMoves.Count > 0) yield return new PuzzleCandidate(p.ToFen(), name, group, "pgn-line");
            }
        }
    }

    /// <summary>(FEN header, movetext) of each game in a PGN text that has a FEN header.</summary>
    internal static IEnumerable<(string Fen, string Movetext)> PgnGames(string text)
    {
        string? fen = null;
        var movetext = new System.Text.StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('['))
            {
                if (movetext.Length > 0)
                {
                    if (fen is not null) yield return (fen, movetext.ToString());
                    fen = null;
                    movetext.Clear();
                }
                var m = FenHeader().Match(line);
                if (m.Success) fen = m.Groups[1].Value;
            }
            else if (line.Length > 0) movetext.Append(line).Append(' ');
        }
        if (fen is not null && movetext.Length > 0) yield return (fen, movetext.ToString());
    }

    /// <summary>SAN moves of a main line: comments, variations, move numbers, NAGs and results removed.</summary>
    internal static IEnumerable<string> SanTokens(string movetext)
    {
        var text = Comment().Replace(movetext, " ");
        while (Variation().IsMatch(text)) text = Variation().Replace(text, " ");
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var t = MoveNumber().Replace(token, "");
            if (t.Length == 0 || t.StartsWith('$') || t is "*" or "1-0" or "0-1" or "1/2-1/2") continue;
            yield return t;
        }
    }

    /// <summary>
    /// Composed problems of an .olv file: direct mates in up to 5 ("#N") and studies ("+", white to play and win), white to
    /// move, no castling. Problems with options or twins (fairy conditions, set play) are skipped.
    /// </summary>
    public static IEnumerable<PuzzleCandidate> ReadOlv(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        int index = 0;
        foreach (var entry in File.ReadAllText(path).Split("\n---"))
        {
            index++;
            if (entry.Contains("\noptions:") || entry.Contains("\ntwins:")) continue;
            var stip = Stipulation().Match(entry);
            if (!stip.Success) continue;
            string s = stip.Groups[1].Value;
            string kind = s == "+" ? "study" : Regex.IsMatch(s, "^#[1-5]$") ? "mate" : "";
            if (kind == "") continue;
            var white = PieceList().Match(entry);
            var black = BlackList().Match(entry);
            if (!white.Success || !black.Success) continue;
            var board = new int[64];
            if (!Place(board, white.Groups[1].Value, true) || !Place(board, black.Groups[1].Value, false)) continue;
            string fen = Position.BoardField(board) + " w - - 0 1";
            Position p;
            try { p = Position.FromFen(fen); }
            catch (FormatException) { continue; }
            // White to move must not be able to capture the black king, and must have a move.
            if (p.IsAttacked(p.KingSquare(false), byWhite: true) || p.LegalMoves.Count == 0) continue;
            yield return new PuzzleCandidate(p.ToFen(), name, $"{name}#{index}", kind == "mate" ? $"problem-{s}" : "study");
        }
    }

    private static bool Place(int[] board, string list, bool white)
    {
        foreach (var raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.Length != 3) return false;
            // The .olv files write knights as S (German Springer).
            int kind = "PSBRQK".IndexOf(raw[0]) + 1;
            if (kind == 0 || raw[1] is < 'a' or > 'h' || raw[2] is < '1' or > '8') return false;
            int sq = Square.Parse(raw[1..]);
            if (board[sq] != 0) return false;
            if (kind == Piece.Pawn && Square.Rank(sq) is 0 or 7) return false;
            board[sq] = white ? kind : -kind;
        }
        return true;
    }

    [GeneratedRegex("^\\[FEN \"([^\"]+)\"\\]")]
    private static partial Regex FenHeader();
    [GeneratedRegex("\\{[^}]*\\}|;[^\\n]*")]
    private static partial Regex Comment();
    [GeneratedRegex("\\([^()]*\\)")]
    private static partial Regex Variation();
    [GeneratedRegex("^\\d+\\.+")]
    private static partial Regex MoveNumber();
    [GeneratedRegex("\\nstipulation: \"?([^\"\\n]+?)\"?\\s*\\n")]
    private static partial Regex Stipulation();
    [GeneratedRegex("\\n\\s+white: \\[([^\\]]*)\\]")]
    private static partial Regex PieceList();
    [GeneratedRegex("\\n\\s+black: \\[([^\\]]*)\\]")]
    private static partial Regex BlackList();
}
