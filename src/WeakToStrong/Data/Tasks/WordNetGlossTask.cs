using System.Text;
using System.Text.Json;
using WeakToStrong.Data.Sources;

namespace WeakToStrong.Data.Tasks;

/// <summary>How to build wordnet-gloss. TrainExamples/TestExamples are even: half positives, half negatives.
/// CandidatePool is how many of the most frequent usable lemmas the words are drawn from.</summary>
internal sealed record WordNetGlossOptions(
    int Seed = 0,
    int TrainExamples = 10000,
    int TestExamples = 1500,
    int CandidatePool = 19000,
    string WordNetDir = WordNetGlossTask.DefaultWordNetDir);

/// <summary>What a build produced: counts per split, words per part of speech ("n"/"v"/"a"/"r"), and how often the
/// gloss contains the word's stem among positives and negatives (the surface cue a bag of words can use).</summary>
internal sealed record WordNetGlossSummary(
    int TrainExamples, int TestExamples,
    IReadOnlyDictionary<string, int> WordsByPos, double PositiveStemOverlap, double NegativeStemOverlap, IReadOnlyList<string> Notes)
{
    public override string ToString() =>
        $"{TrainExamples} train examples, {TestExamples} test examples (one word each); words by POS: " +
        string.Join(", ", WordsByPos.Select(kv => $"{kv.Key} {kv.Value}")) +
        $"; gloss contains the word's stem: {PositiveStemOverlap:P1} of positives, {NegativeStemOverlap:P1} of negatives" +
        (Notes.Count > 0 ? "; " + string.Join("; ", Notes) : "");
}

/// <summary>
/// Builds the built-in task "wordnet-gloss": does this WordNet gloss define this word?
/// text = a word (underscores → spaces), text_pair = a gloss without its example sentences, label 1 = "yes".
/// <para>Design, so that neither memorising words nor memorising glosses helps:</para>
/// <list type="bullet">
/// <item>Words are common ones: a seeded sample of the CandidatePool most sense-tagged lemmas (cntlist.rev), each with
///   its most frequent part of speech, so a pretrained model may know them. Capitalised (proper-noun) forms are skipped.
///   A gloss is a word's most frequent sense; each synset and each gloss text is used by at most one candidate.</item>
/// <item>Every word occurs in exactly one example of the whole task, and every gloss in at most one. Candidates are
///   grouped in triples of one part of speech: the first word gets its own gloss (positive), the second gets the gloss
///   of the third (negative), and the third word appears nowhere. A negative is never a gloss of, or a synset linked
///   by a WordNet pointer to, any sense of the word, nor a synset that contains the word.</item>
/// <item>Glosses that contain the word's stem are kept: that is WordNet's natural distribution, and exactly the
///   surface cue a weak bag-of-words supervisor can learn, while meaning is what a pretrained encoder adds.</item>
/// <item>Triples are split between train and test (seeded), so train and test words and glosses are disjoint.
///   Both splits are exactly 50/50, and so is every part of speech within a split.</item>
/// </list>
/// Deterministic: the same WordNet files and options give byte-identical output.
/// </summary>
internal sealed class WordNetGlossTask : TaskBuilder
{
    public const string DefaultWordNetDir = "/usr/share/wordnet";

    public WordNetGlossOptions Options { get; init; } = new();

    public override string Name => "wordnet-gloss";
    public override string Description => "Does this WordNet gloss (text_pair) define this word (text)? Label 1 = yes.";
    public override string[] ClassNames => ["no", "yes"];
    public override bool Shipped => true;
    public override string DataLicence => WordNetSource.Licence;
    public override IReadOnlyList<SourcePackage> Sources { get; } = [WordNetSource.Package];
    public override int Seed => Options.Seed;

    public static bool IsInstalled(string wordNetDir = DefaultWordNetDir) => WordNetDatabase.IsInstalled(wordNetDir);

    public override BuiltTask Build()
    {
        var (train, test, summary) = Build(Options);
        return Rows(train, test, summary);
    }

    /// <summary>
    /// Writes train.jsonl, test.jsonl and task.json in this task's own format: rows carry their part of
    /// speech ("pos") and no id, and task.json states the build options.
    /// </summary>
    protected override BuiltTask WriteFiles(string outputDir)
    {
        var (train, test, summary) = Build(Options);
        File.WriteAllBytes(Path.Combine(outputDir, "train.jsonl"), TaskFiles.Jsonl(train.Select(WithPos), ids: false));
        File.WriteAllBytes(Path.Combine(outputDir, "test.jsonl"), TaskFiles.Jsonl(test.Select(WithPos), ids: false));
        File.WriteAllBytes(Path.Combine(outputDir, "task.json"), TaskJson(Options));
        return Rows(train, test, summary);
    }

    private static BuiltTask Rows(List<Row> train, List<Row> test, WordNetGlossSummary summary) =>
        new(train.Select(Of).ToList(), test.Select(Of).ToList(), [summary.ToString()]);

    private static TaskRow Of(Row r) => new(ModelInput.ContentId(r.Text, r.Gloss), r.Text, r.Gloss, r.Label);

    private static TaskRow WithPos(Row r) => Of(r) with { Extra = [("pos", r.Pos.ToString())] };

    /// <summary>A candidate word: its most frequent sense, and every synset a negative gloss must not come from
    /// (all its senses, and everything those senses point to).</summary>
    private sealed record Word(string Lemma, char Pos, WordNetDatabase.Synset Sense, HashSet<string> Senses, HashSet<string> Related);

    private sealed record Row(string Text, string Gloss, int Label, char Pos, bool StemOverlap);

    private sealed record Triple(Word Positive, Word Negative, Word Donor);

    private static (List<Row> Train, List<Row> Test, WordNetGlossSummary Summary) Build(WordNetGlossOptions o)
    {
        if (o.TrainExamples % 2 != 0 || o.TestExamples % 2 != 0)
            throw new ArgumentException("TrainExamples and TestExamples must be even (half positives, half negatives).");
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
        var usedGlosses = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new List<Word>();
        foreach (var (lemma, (pos, _)) in ranked)
        {
            if (candidates.Count == o.CandidatePool) break;
            if (!db.Senses.TryGetValue((lemma, pos), out var senses)) continue;
            var sense = db.Synsets[senses[0]];
            var form = sense.Words.FirstOrDefault(w => string.Equals(w, lemma, StringComparison.OrdinalIgnoreCase));
            if (form is null || form.Any(char.IsUpper)) continue;        // proper nouns and oddities
            if (!IsUsableGloss(sense.Gloss)) continue;
            if (!usedSynsets.Add(sense.Key)) continue;                    // a synonym already took this gloss
            if (!usedGlosses.Add(sense.Gloss)) continue;                  // distinct synsets can share a gloss's wording
            var related = senses.ToHashSet(StringComparer.Ordinal);
            foreach (var s in senses) related.UnionWith(db.Synsets[s].Pointers.Select(p => p.Target));
            candidates.Add(new Word(lemma, pos, sense, senses.ToHashSet(StringComparer.Ordinal), related));
        }

        // Triples of one part of speech from the shuffled pool; then the triples are shuffled and dealt to test and train.
        var rng = new SeededRandom(o.Seed, "wordnet-gloss/words");
        rng.Shuffle(candidates);
        var triples = new List<Triple>();
        foreach (var pos in WordNetDatabase.PartsOfSpeech)
        {
            var group = candidates.Where(w => w.Pos == pos).ToList();
            for (int i = 0; i + 2 < group.Count; i += 3) triples.Add(new Triple(group[i], group[i + 1], group[i + 2]));
        }
        new SeededRandom(o.Seed, "wordnet-gloss/triples").Shuffle(triples);
        int testTriples = o.TestExamples / 2, trainTriples = o.TrainExamples / 2;
        if (triples.Count < testTriples + trainTriples)
            throw new InvalidOperationException(
                $"Only {triples.Count} word triples from {candidates.Count} candidates; raise CandidatePool or ask for fewer examples.");
        notes.AddRange(triples.Count > testTriples + trainTriples
            ? [$"{triples.Count - testTriples - trainTriples} of {triples.Count} word triples unused"] : []);

        var test = MakeExamples(triples.Take(testTriples).ToList(), new SeededRandom(o.Seed, "wordnet-gloss/test"), "test");
        var train = MakeExamples(triples.Skip(testTriples).Take(trainTriples).ToList(), new SeededRandom(o.Seed, "wordnet-gloss/train"), "train");
        var all = train.Concat(test).ToList();
        var byPos = all.GroupBy(r => r.Pos.ToString())
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        double Overlap(int label) => all.Where(r => r.Label == label).Average(r => r.StemOverlap ? 1.0 : 0.0);
        var summary = new WordNetGlossSummary(train.Count, test.Count, byPos, Overlap(1), Overlap(0), notes);
        return (train, test, summary);
    }

    /// <summary>One positive and one negative per triple. Within a part of speech, donors are reassigned (swaps) where
    /// a donor's gloss is not a fair negative for its triple's negative word.</summary>
    private static List<Row> MakeExamples(List<Triple> triples, SeededRandom rng, string split)
    {
        var rows = new List<Row>();
        foreach (var pos in WordNetDatabase.PartsOfSpeech)
        {
            var group = triples.Where(t => t.Positive.Pos == pos).ToList();
            var donor = Enumerable.Range(0, group.Count).ToArray();
            bool Ok(int i, int d) => IsFairNegative(group[i].Negative, group[d].Donor.Sense);
            for (int i = 0; i < group.Count; i++)
            {
                if (Ok(i, donor[i])) continue;
                var order = Enumerable.Range(0, group.Count).ToList();
                rng.Shuffle(order);
                int k = order.FirstOrDefault(k => Ok(i, donor[k]) && Ok(k, donor[i]), -1);
                if (k < 0) throw new InvalidOperationException($"No fair negative for '{group[i].Negative.Lemma}' in {split}.");
                (donor[i], donor[k]) = (donor[k], donor[i]);
            }
            for (int i = 0; i < group.Count; i++)
            {
                var p = group[i].Positive;
                var n = group[i].Negative;
                var g = group[donor[i]].Donor.Sense.Gloss;
                rows.Add(new Row(p.Lemma.Replace('_', ' '), p.Sense.Gloss, 1, pos, Leaks(p.Lemma, p.Sense.Gloss)));
                rows.Add(new Row(n.Lemma.Replace('_', ' '), g, 0, pos, Leaks(n.Lemma, g)));
            }
        }
        rng.Shuffle(rows);
        return rows;
    }

    private static bool IsFairNegative(Word word, WordNetDatabase.Synset other) =>
        !word.Related.Contains(other.Key)
        && !other.Pointers.Any(p => word.Senses.Contains(p.Target))
        && !other.Words.Any(w => string.Equals(w, word.Lemma, StringComparison.OrdinalIgnoreCase))
        && other.Gloss != word.Sense.Gloss;

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

    private byte[] TaskJson(WordNetGlossOptions o)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, TaskFiles.Options with { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", Name);
            w.WriteStartArray("classes");
            foreach (var c in ClassNames) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteString("description", Description);
            w.WriteString("provenance",
                $"WordNet 3.0 (Princeton University; licence in LICENSE), read from the Debian package wordnet-base; " +
                $"built by WeakToStrong.Data.Tasks.WordNetGlossTask with seed {o.Seed}, {o.TrainExamples} train and " +
                $"{o.TestExamples} test examples, candidate pool {o.CandidatePool}; every word occurs in one example only. See README.md.");
            w.WriteEndObject();
        }
        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }
}
