using System.Globalization;

namespace WeakToStrong.Data.Tasks;

/// <summary>
/// Just enough of the WordNet 3.0 database files (format: man 5 wndb, man 5 cntlist) for gloss tasks:
/// synsets with their words and glosses, each lemma's senses in frequency order, and sense-tag counts.
/// </summary>
internal sealed class WordNetDatabase
{
    internal static readonly char[] PartsOfSpeech = ['n', 'v', 'a', 'r'];
    private static readonly Dictionary<char, string> FileSuffix = new() { ['n'] = "noun", ['v'] = "verb", ['a'] = "adj", ['r'] = "adv" };

    /// <summary>A synset. Pos is the file's part of speech (satellite adjectives 's' count as 'a'); LexFile is the
    /// lexicographer file number (e.g. 5 = noun.animal, 13 = noun.food); Pointers are (symbol, target key) pairs
    /// such as ("@", hypernym), ("!", antonym), ("&amp;", similar-to).</summary>
    internal sealed record Synset(char Pos, long Offset, string[] Words, string Gloss, int LexFile, IReadOnlyList<(string Symbol, string Target)> Pointers)
    {
        /// <summary>Pointers between words rather than synsets (source/target ≠ 0000): (symbol, source word index 0-based,
        /// target synset key, target word index 0-based). Antonyms are of this kind.</summary>
        public List<(string Symbol, int SourceWord, string Target, int TargetWord)> LexicalPointers { get; } = [];

        public string Key => $"{Pos}{Offset:D8}";

        public IEnumerable<string> Targets(string symbol) =>
            Pointers.Where(p => p.Symbol == symbol).Select(p => p.Target);
    }

    /// <summary>Synsets by key "n00001740".</summary>
    public Dictionary<string, Synset> Synsets { get; } = new(StringComparer.Ordinal);

    /// <summary>Senses of (lemma, pos), most frequent first, as synset keys (index files list them in that order).</summary>
    public Dictionary<(string Lemma, char Pos), string[]> Senses { get; } = new();

    /// <summary>Sum of semantic-concordance tag counts over a (lemma, pos)'s senses: a usage frequency.</summary>
    public Dictionary<(string Lemma, char Pos), int> TagCounts { get; } = new();

    /// <summary>Every ancestor of a synset along hypernym and instance-hypernym pointers, with its shortest distance.</summary>
    public Dictionary<string, int> Ancestors(string key)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var frontier = new List<string> { key };
        for (int d = 1; frontier.Count > 0 && d < 40; d++)
        {
            var next = new List<string>();
            foreach (var k in frontier)
                foreach (var (sym, target) in Synsets[k].Pointers)
                    if (sym is "@" or "@i" && result.TryAdd(target, d)) next.Add(target);
            frontier = next;
        }
        return result;
    }

    /// <summary>Common plain lemmas of one part of speech, most sense-tagged first (ties: ordinal), with their first
    /// sense, skipping lemmas that are capitalised in that sense. Lemmas with no tags come after, if includeUntagged.</summary>
    public List<(string Lemma, Synset Sense)> RankedLemmas(char pos, bool includeUntagged = false)
    {
        var list = new List<(string Lemma, int Count, Synset Sense)>();
        foreach (var ((lemma, p), senses) in Senses)
        {
            if (p != pos || !IsPlainLemma(lemma)) continue;
            int count = TagCounts.GetValueOrDefault((lemma, pos));
            if (count == 0 && !includeUntagged) continue;
            var sense = Synsets[senses[0]];
            var form = sense.Words.FirstOrDefault(w => string.Equals(w, lemma, StringComparison.OrdinalIgnoreCase));
            if (form is null || form.Any(char.IsUpper)) continue;
            list.Add((lemma, count, sense));
        }
        return list.OrderByDescending(x => x.Count).ThenBy(x => x.Lemma, StringComparer.Ordinal).Select(x => (x.Lemma, x.Sense)).ToList();
    }

    /// <summary>Lowercase letters, optionally joined by '_' or '-', at least 3 characters.</summary>
    internal static bool IsPlainLemma(string lemma) =>
        lemma.Length >= 3 && lemma.All(c => c is >= 'a' and <= 'z' or '_' or '-')
        && char.IsAsciiLetterLower(lemma[0]) && char.IsAsciiLetterLower(lemma[^1])
        && !lemma.Contains("__") && !lemma.Contains("--");

    public static bool IsInstalled(string dir) =>
        PartsOfSpeech.All(p => File.Exists(Path.Combine(dir, "data." + FileSuffix[p])) && File.Exists(Path.Combine(dir, "index." + FileSuffix[p])))
        && File.Exists(Path.Combine(dir, "cntlist.rev"));

    public static WordNetDatabase Load(string dir)
    {
        if (!IsInstalled(dir))
            throw new FileNotFoundException($"WordNet database files not found in {dir}. On Debian/Ubuntu: apt-get install wordnet-base.");
        var db = new WordNetDatabase();
        foreach (var pos in PartsOfSpeech)
        {
            foreach (var line in File.ReadLines(Path.Combine(dir, "data." + FileSuffix[pos])))
            {
                if (line.StartsWith("  ", StringComparison.Ordinal)) continue; // licence header
                var s = ParseSynset(line, pos);
                db.Synsets[s.Key] = s;
            }
            foreach (var line in File.ReadLines(Path.Combine(dir, "index." + FileSuffix[pos])))
            {
                if (line.StartsWith("  ", StringComparison.Ordinal)) continue;
                // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
                var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                int synsetCount = int.Parse(t[2], CultureInfo.InvariantCulture);
                db.Senses[(t[0], pos)] = t[^synsetCount..].Select(o => $"{pos}{o}").ToArray();
            }
        }
        foreach (var line in File.ReadLines(Path.Combine(dir, "cntlist.rev")))
        {
            // sense_key sense_number tag_cnt; sense_key = lemma%ss_type:lex_filenum:lex_id:head_word:head_id
            var t = line.Split(' ');
            if (t.Length < 3) continue;
            int pct = t[0].IndexOf('%');
            char pos = t[0][pct + 1] switch { '1' => 'n', '2' => 'v', '3' or '5' => 'a', '4' => 'r', _ => '?' };
            if (pos == '?') continue;
            var key = (t[0][..pct], pos);
            db.TagCounts[key] = db.TagCounts.GetValueOrDefault(key) + int.Parse(t[2], CultureInfo.InvariantCulture);
        }
        return db;
    }

    private static Synset ParseSynset(string line, char pos)
    {
        // synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] [frames...] | gloss
        int bar = line.IndexOf(" | ", StringComparison.Ordinal);
        var head = line[..bar].Split(' ');
        long offset = long.Parse(head[0], CultureInfo.InvariantCulture);
        int wordCount = int.Parse(head[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var words = new string[wordCount];
        for (int i = 0; i < wordCount; i++)
        {
            var w = head[4 + 2 * i];
            int marker = w.IndexOf('('); // adjective syntactic markers: (a), (p), (ip)
            words[i] = marker > 0 ? w[..marker] : w;
        }
        int lexFile = int.Parse(head[1], CultureInfo.InvariantCulture);
        int p = 4 + 2 * wordCount;
        int pointerCount = int.Parse(head[p], CultureInfo.InvariantCulture);
        var pointers = new List<(string, string)>(pointerCount);
        for (int i = 0; i < pointerCount; i++)
        {
            // pointer_symbol synset_offset pos source/target
            var symbol = head[p + 1 + 4 * i];
            var targetPos = head[p + 3 + 4 * i][0] is 's' ? 'a' : head[p + 3 + 4 * i][0];
            pointers.Add((symbol, $"{targetPos}{head[p + 2 + 4 * i]}"));
        }
        var synset = new Synset(pos, offset, words, CleanGloss(line[(bar + 3)..]), lexFile, pointers);
        for (int i = 0; i < pointerCount; i++)
        {
            var st = head[p + 4 + 4 * i];
            if (st == "0000") continue;
            int source = int.Parse(st[..2], NumberStyles.HexNumber, CultureInfo.InvariantCulture) - 1;
            int target = int.Parse(st[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) - 1;
            synset.LexicalPointers.Add((pointers[i].Item1, source, pointers[i].Item2, target));
        }
        return synset;
    }

    /// <summary>The definition without its quoted example sentences: `draw air into the lungs; "I can breathe"` → `draw air into the lungs`.</summary>
    internal static string CleanGloss(string gloss)
    {
        // Split on ';' outside double quotes, so an example sentence containing ';' stays one piece.
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        bool inQuote = false;
        foreach (char c in gloss)
        {
            if (c == '"') inQuote = !inQuote;
            if (c == ';' && !inQuote) { parts.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        parts.Add(current.ToString());
        return string.Join("; ", parts.Select(p => p.Trim()).Where(p => p.Length > 0 && !p.StartsWith('"'))).Trim();
    }
}
