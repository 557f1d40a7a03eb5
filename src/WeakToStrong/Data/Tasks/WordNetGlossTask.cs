using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WeakToStrong.Data.Tasks;

/// <summary>How to build wordnet-gloss. TrainWords/TestWords are words; each word gives one positive and one negative example.</summary>
public sealed record WordNetGlossOptions(
    int Seed = 0,
    int TrainWords = 1200,
    int TestWords = 300,
    int CandidatePool = 3000,
    string WordNetDir = WordNetGlossTask.DefaultWordNetDir);

/// <summary>What a build produced (counts per split, and per part of speech as "n"/"v"/"a"/"r").</summary>
public sealed record WordNetGlossSummary(
    int TrainExamples, int TestExamples, int TrainWords, int TestWords,
    IReadOnlyDictionary<string, int> WordsByPos, IReadOnlyList<string> Notes)
{
    public override string ToString() =>
        $"{TrainExamples} train examples ({TrainWords} words), {TestExamples} test examples ({TestWords} words); words by POS: " +
        string.Join(", ", WordsByPos.Select(kv => $"{kv.Key} {kv.Value}")) +
        (Notes.Count > 0 ? "; " + string.Join("; ", Notes) : "");
}

/// <summary>
/// Builds the built-in task "wordnet-gloss": does this WordNet gloss define this word?
/// text = a word (underscores → spaces), text_pair = a gloss without its example sentences, label 1 = "yes".
/// <para>Design, so that surface cues do not solve it:</para>
/// <list type="bullet">
/// <item>Words are common ones: a seeded sample of the CandidatePool most sense-tagged lemmas (cntlist.rev), each with
///   its most frequent part of speech, so a pretrained model may know them. Capitalised (proper-noun) forms are skipped.</item>
/// <item>The positive gloss is the word's most frequent sense. Words whose gloss contains the word's stem are skipped
///   (that would give the answer away); each synset is used by at most one word, so every gloss is unique.</item>
/// <item>The negative gloss is another chosen word's positive gloss of the same part of speech in the same split (a
///   seeded derangement). So every word and every gloss occurs exactly once as positive and once as negative: neither
///   alone predicts the label. A negative never belongs to one of the word's own senses and never contains its stem.</item>
/// <item>Train and test words are disjoint (split by word, seeded), and so are their glosses. Both splits are 50/50.</item>
/// </list>
/// Deterministic: the same WordNet files and options give byte-identical output.
/// </summary>
public static class WordNetGlossTask
{
    public const string Name = "wordnet-gloss";
    public const string DefaultWordNetDir = "/usr/share/wordnet";
    public static readonly string[] ClassNames = ["no", "yes"];

    public static bool IsInstalled(string wordNetDir = DefaultWordNetDir) => WordNetDatabase.IsInstalled(wordNetDir);

    /// <summary>Builds the task and writes train.jsonl, test.jsonl and task.json into outputDir.</summary>
    public static WordNetGlossSummary Write(string outputDir, WordNetGlossOptions? options = null)
    {
        var (train, test, summary) = Build(options ?? new WordNetGlossOptions());
        Directory.CreateDirectory(outputDir);
        File.WriteAllBytes(Path.Combine(outputDir, "train.jsonl"), ToJsonl(train));
        File.WriteAllBytes(Path.Combine(outputDir, "test.jsonl"), ToJsonl(test));
        File.WriteAllBytes(Path.Combine(outputDir, "task.json"), TaskJson(options ?? new WordNetGlossOptions()));
        return summary;
    }

    private sealed record Word(string Lemma, char Pos, WordNetDatabase.Synset Sense, HashSet<string> AllSenses);

    private sealed record Row(string Text, string Gloss, int Label, char Pos);

    private static (List<Row> Train, List<Row> Test, WordNetGlossSummary Summary) Build(WordNetGlossOptions o)
    {
        var db = WordNetDatabase.Load(o.WordNetDir);
        var notes = new List<string>();

        // Candidates: each lemma with its most tagged part of speech, ranked by tag count (ties: lemma, ordinal).
        var best = new Dictionary<string, (char Pos, int Count)>(StringComparer.Ordinal);
        foreach (var ((lemma, pos), count) in db.TagCounts.OrderBy(kv => kv.Key.Lemma, StringComparer.Ordinal)
                     .ThenBy(kv => Array.IndexOf(WordNetDatabase.PartsOfSpeech, kv.Key.Pos)))
            if (!best.TryGetValue(lemma, out var b) || count > b.Count) best[lemma] = (pos, count);
        var ranked = best.Where(kv => IsPlainLemma(kv.Key))
            .OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key, StringComparer.Ordinal);

        var usedSynsets = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new List<Word>();
        foreach (var (lemma, (pos, _)) in ranked)
        {
            if (candidates.Count == o.CandidatePool) break;
            if (!db.Senses.TryGetValue((lemma, pos), out var senses)) continue;
            var sense = db.Synsets[senses[0]];
            var form = sense.Words.FirstOrDefault(w => string.Equals(w, lemma, StringComparison.OrdinalIgnoreCase));
            if (form is null || form.Any(char.IsUpper)) continue;        // proper nouns and oddities
            if (!IsUsableGloss(sense.Gloss) || Leaks(lemma, sense.Gloss)) continue;
            if (!usedSynsets.Add(sense.Key)) continue;                    // a synonym already took this gloss
            candidates.Add(new Word(lemma, pos, sense, senses.ToHashSet(StringComparer.Ordinal)));
        }
        if (candidates.Count < o.TrainWords + o.TestWords)
            throw new InvalidOperationException($"Only {candidates.Count} candidate words; raise CandidatePool or ask for fewer words.");

        var rng = new SeededRandom(o.Seed, "wordnet-gloss/words");
        rng.Shuffle(candidates);
        var testWords = candidates.Take(o.TestWords).ToList();
        var trainWords = candidates.Skip(o.TestWords).Take(o.TrainWords).ToList();

        var train = MakeExamples(trainWords, new SeededRandom(o.Seed, "wordnet-gloss/train"), "train", notes);
        var test = MakeExamples(testWords, new SeededRandom(o.Seed, "wordnet-gloss/test"), "test", notes);
        var byPos = trainWords.Concat(testWords).GroupBy(w => w.Pos.ToString())
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        var summary = new WordNetGlossSummary(train.Count, test.Count, train.Count / 2, test.Count / 2, byPos, notes);
        return (train, test, summary);
    }

    /// <summary>One positive and one negative per word; negatives are a same-POS derangement of the positives.</summary>
    private static List<Row> MakeExamples(List<Word> words, SeededRandom rng, string split, List<string> notes)
    {
        var rows = new List<Row>();
        foreach (var pos in WordNetDatabase.PartsOfSpeech)
        {
            var group = words.Where(w => w.Pos == pos).ToList();
            if (group.Count < 2)
            {
                if (group.Count == 1) notes.Add($"{split}: dropped the only '{pos}' word '{group[0].Lemma}' (no negative partner)");
                continue;
            }
            // Start from a cyclic shift of the (already shuffled) group, then repair violations by swapping negatives.
            var neg = Enumerable.Range(0, group.Count).Select(i => (i + 1) % group.Count).ToArray();
            bool Ok(int i, int j) => i != j && IsFairNegative(group[i], group[j].Sense);
            for (int i = 0; i < group.Count; i++)
            {
                if (Ok(i, neg[i])) continue;
                var order = Enumerable.Range(0, group.Count).ToList();
                rng.Shuffle(order);
                int k = order.FirstOrDefault(k => Ok(i, neg[k]) && Ok(k, neg[i]), -1);
                if (k < 0) throw new InvalidOperationException($"No fair negative for '{group[i].Lemma}' in {split}.");
                (neg[i], neg[k]) = (neg[k], neg[i]);
            }
            for (int i = 0; i < group.Count; i++)
            {
                var text = group[i].Lemma.Replace('_', ' ');
                rows.Add(new Row(text, group[i].Sense.Gloss, 1, pos));
                rows.Add(new Row(text, group[neg[i]].Sense.Gloss, 0, pos));
            }
        }
        rng.Shuffle(rows);
        return rows;
    }

    private static bool IsFairNegative(Word word, WordNetDatabase.Synset other) =>
        !word.AllSenses.Contains(other.Key)
        && !other.Words.Any(w => string.Equals(w, word.Lemma, StringComparison.OrdinalIgnoreCase))
        && other.Gloss != word.Sense.Gloss
        && !Leaks(word.Lemma, other.Gloss);

    /// <summary>Lowercase letters, optionally joined by '_' or '-', at least 3 characters.</summary>
    private static bool IsPlainLemma(string lemma) =>
        lemma.Length >= 3 && lemma.All(c => c is >= 'a' and <= 'z' or '_' or '-')
        && char.IsAsciiLetterLower(lemma[0]) && char.IsAsciiLetterLower(lemma[^1])
        && !lemma.Contains("__") && !lemma.Contains("--");

    private static bool IsUsableGloss(string gloss) =>
        gloss.Length is >= 10 and <= 200 && gloss.Count(c => c == ' ') >= 1;

    /// <summary>True if the gloss contains a word starting with the stem of one of the lemma's parts
    /// (stem = first len-1 letters, clamped to 3..5: "making" leaks "make", "dancer" leaks "dance").</summary>
    internal static bool Leaks(string lemma, string gloss)
    {
        var tokens = Tokens(gloss);
        foreach (var part in lemma.Split('_', '-'))
        {
            if (part.Length < 3) continue;
            var stem = part[..Math.Clamp(part.Length - 1, 3, 5)];
            if (part.Length == 3) stem = part;
            if (tokens.Any(t => t.StartsWith(stem, StringComparison.Ordinal))) return true;
        }
        return false;
    }

    private static IEnumerable<string> Tokens(string text)
    {
        var sb = new StringBuilder();
        foreach (char c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetter(c)) sb.Append(c);
            else if (sb.Length > 0) { yield return sb.ToString(); sb.Clear(); }
        }
        if (sb.Length > 0) yield return sb.ToString();
    }

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // readable files; still valid JSON
        Indented = false,
    };

    private static byte[] ToJsonl(List<Row> rows)
    {
        using var ms = new MemoryStream();
        foreach (var r in rows)
        {
            using (var w = new Utf8JsonWriter(ms, WriterOptions))
            {
                w.WriteStartObject();
                w.WriteString("text", r.Text);
                w.WriteString("text_pair", r.Gloss);
                w.WriteNumber("label", r.Label);
                w.WriteString("pos", r.Pos.ToString());
                w.WriteEndObject();
            }
            ms.WriteByte((byte)'\n');
        }
        return ms.ToArray();
    }

    private static byte[] TaskJson(WordNetGlossOptions o)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions with { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", Name);
            w.WriteStartArray("classes");
            foreach (var c in ClassNames) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteString("description", "Does this WordNet gloss (text_pair) define this word (text)? Label 1 = yes.");
            w.WriteString("provenance",
                $"WordNet 3.0 (Princeton University; licence in LICENSE), read from the Debian package wordnet-base; " +
                $"built by WeakToStrong.Data.Tasks.WordNetGlossTask with seed {o.Seed}, {o.TrainWords} train words, " +
                $"{o.TestWords} test words, candidate pool {o.CandidatePool}. See README.md.");
            w.WriteEndObject();
        }
        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }
}
