using System.Globalization;
using System.Text;

namespace WeakToStrong.Models;

/// <summary>Token ids of one input, plus whether truncation dropped tokens (callers count truncated examples).</summary>
internal sealed record WordPieceEncoding(long[] Ids, long[] TypeIds, bool Truncated)
{
    public EncodedInput ToEncodedInput() => new(Ids, TypeIds);
}

/// <summary>
/// The reference BERT uncased tokenizer (BasicTokenizer + WordPiece), written out rule by rule. We do not use
/// Microsoft.ML.Tokenizers because it silently drops characters such as <c>$ &lt; &gt; = + ^ | ~</c> that the reference keeps
/// as punctuation tokens, which changes the embeddings of real texts. Literal "[SEP]" etc. in input text are tokenized as
/// plain text (HuggingFace maps them to the special ids), so user text cannot inject segment boundaries.
/// </summary>
public sealed class WordPieceTokenizer
{
    public const int MaxCharsPerWord = 100;

    private readonly string[] _vocab;
    // Word-initial pieces and "##" continuation pieces (stored without the prefix), looked up by span: no allocation per probe.
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _start;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuation;

    public WordPieceTokenizer(IReadOnlyList<string> vocab)
    {
        _vocab = vocab.ToArray();
        var start = new Dictionary<string, int>(StringComparer.Ordinal);
        var continuation = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _vocab.Length; i++)
        {
            var token = _vocab[i];
            // The first occurrence wins, as in the reference loader's dictionary.
            if (token.StartsWith("##", StringComparison.Ordinal) && token.Length > 2) continuation.TryAdd(token[2..], i);
            else start.TryAdd(token, i);
        }
        _start = start.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuation = continuation.GetAlternateLookup<ReadOnlySpan<char>>();
        PadId = Id("[PAD]");
        UnkId = Id("[UNK]");
        ClsId = Id("[CLS]");
        SepId = Id("[SEP]");
        MaskId = Id("[MASK]");
    }

    /// <summary>Reads a vocab.txt (one token per line; the line number is the id).</summary>
    public static WordPieceTokenizer FromVocab(Stream vocabTxt)
    {
        using var reader = new StreamReader(vocabTxt, Encoding.UTF8);
        var tokens = new List<string>(32_000);
        while (reader.ReadLine() is { } line) tokens.Add(line.TrimEnd('\r', '\n'));
        return new WordPieceTokenizer(tokens);
    }

    public int VocabSize => _vocab.Length;
    public int PadId { get; }
    public int UnkId { get; }
    public int ClsId { get; }
    public int SepId { get; }
    public int MaskId { get; }

    public string Token(int id) => _vocab[id];

    private int Id(string token) =>
        _start.Dictionary.TryGetValue(token, out int id) ? id : throw new ArgumentException($"Vocabulary lacks {token}.");

    /// <summary>WordPiece ids of a text, without special tokens.</summary>
    public List<int> TokenizeToIds(string text)
    {
        var ids = new List<int>();
        foreach (var word in BasicTokens(text)) AppendWordPieces(word, ids);
        return ids;
    }

    /// <summary>WordPiece strings of a text (for inspection and tests).</summary>
    public IReadOnlyList<string> Tokenize(string text) => TokenizeToIds(text).Select(i => _vocab[i]).ToList();

    /// <summary>
    /// [CLS] a [SEP] or [CLS] a [SEP] b [SEP], at most maxLength ids. Pairs are truncated as BERT's longest_first does:
    /// one token at a time from the end of the currently longer segment (the second one on ties).
    /// </summary>
    internal WordPieceEncoding Encode(string text, string? textPair = null, int maxLength = 128)
    {
        var a = TokenizeToIds(text);
        var b = textPair is null ? null : TokenizeToIds(textPair);
        int budget = maxLength - (b is null ? 2 : 3);
        if (budget < 0) throw new ArgumentOutOfRangeException(nameof(maxLength), "Too small to hold the special tokens.");

        int lenA = a.Count, lenB = b?.Count ?? 0;
        bool truncated = lenA + lenB > budget;
        while (lenA + lenB > budget)
        {
            if (lenA > lenB) lenA--;
            else lenB--;
        }

        int total = lenA + lenB + (b is null ? 2 : 3);
        var ids = new long[total];
        var types = new long[total];
        int k = 0;
        ids[k++] = ClsId;
        for (int i = 0; i < lenA; i++) ids[k++] = a[i];
        ids[k++] = SepId;
        if (b is not null)
        {
            for (int i = 0; i < lenB; i++) { types[k] = 1; ids[k++] = b[i]; }
            types[k] = 1;
            ids[k++] = SepId;
        }
        return new WordPieceEncoding(ids, types, truncated);
    }

    /// <summary>BasicTokenizer: clean, isolate CJK characters, lowercase, strip accents, split on whitespace and punctuation.</summary>
    private static List<string> BasicTokens(string text)
    {
        // Clean text and isolate CJK ideographs, rune by rune (characters outside the BMP are surrogate pairs in .NET).
        var cleaned = new StringBuilder(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            if (cp == 0 || cp == 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune)) cleaned.Append(' ');
            else if (IsCjk(cp)) Append(cleaned.Append(' '), rune).Append(' ');
            else Append(cleaned, rune);
        }

        var tokens = new List<string>();
        var current = new StringBuilder();
        foreach (var word in cleaned.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // Uncased models lowercase, then drop combining marks after canonical decomposition (é -> e).
            var decomposed = word.ToLowerInvariant().Normalize(NormalizationForm.FormD);
            foreach (var rune in decomposed.EnumerateRunes())
            {
                if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark) continue;
                if (IsPunctuation(rune))
                {
                    Flush(current, tokens);
                    tokens.Add(rune.ToString());
                }
                else Append(current, rune);
            }
            Flush(current, tokens);
        }
        return tokens;

        static void Flush(StringBuilder sb, List<string> list)
        {
            if (sb.Length == 0) return;
            list.Add(sb.ToString());
            sb.Clear();
        }
    }

    /// <summary>Greedy longest-match-first WordPiece; a word with an unmatched remainder becomes a single [UNK].</summary>
    private void AppendWordPieces(string word, List<int> ids)
    {
        if (CountRunes(word) > MaxCharsPerWord)
        {
            ids.Add(UnkId);
            return;
        }
        int mark = ids.Count;
        var span = word.AsSpan();
        int start = 0;
        while (start < span.Length)
        {
            int end = span.Length, found = -1;
            var lookup = start == 0 ? _start : _continuation;
            while (end > start)
            {
                // A piece that would cut a surrogate pair cannot be in the vocabulary, so char indices give the
                // same result as code-point indices.
                if (lookup.TryGetValue(span[start..end], out int id)) { found = id; break; }
                end--;
            }
            if (found < 0)
            {
                ids.RemoveRange(mark, ids.Count - mark);
                ids.Add(UnkId);
                return;
            }
            ids.Add(found);
            start = end;
        }
    }

    private static StringBuilder Append(StringBuilder sb, Rune r)
    {
        Span<char> buffer = stackalloc char[2];
        return sb.Append(buffer[..r.EncodeToUtf16(buffer)]);
    }

    private static int CountRunes(string s)
    {
        int n = 0;
        foreach (var _ in s.EnumerateRunes()) n++;
        return n;
    }

    // Zl/Zp are not in the reference's whitespace test, but its final str.split() splits on them all the same.
    private static bool IsWhitespace(Rune r) =>
        r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) is UnicodeCategory.SpaceSeparator
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    // Tab, newline and carriage return count as whitespace, not control; every other C* category is control.
    private static bool IsControl(Rune r)
    {
        if (r.Value is '\t' or '\n' or '\r') return false;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    // All non-alphanumeric ASCII counts as punctuation (so $ + < = > ^ ` | ~ are split off), plus Unicode P* categories.
    private static bool IsPunctuation(Rune r)
    {
        int cp = r.Value;
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    // The CJK Unified Ideographs blocks the reference treats as single-character words (not Hangul or kana).
    private static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
