using WeakToStrong.Data.Sources;

namespace WeakToStrong.Data.Tasks;

/// <summary>Shared parts of the shipped WordNet tasks: source, licence, splitting by word.</summary>
internal abstract class WordNetTaskBase : TaskBuilder
{
    public override bool Shipped => true;
    public override string DataLicence => WordNetSource.Licence;
    public override IReadOnlyList<SourcePackage> Sources { get; } = [WordNetSource.Package];
    public string WordNetDir { get; init; } = WordNetGlossTask.DefaultWordNetDir;

    internal WordNetDatabase Load() => WordNetDatabase.Load(WordNetDir);

    internal static string Text(string lemma) => lemma.Replace('_', ' ');

    /// <summary>The nouns a task may use, most sense-tagged first: every tagged plain lemma, then the untagged single
    /// words.</summary>
    internal static List<(string Lemma, WordNetDatabase.Synset Sense)> Nouns(WordNetDatabase db) =>
        db.RankedLemmas('n', includeUntagged: true)
            .Where(x => db.TagCounts.GetValueOrDefault((x.Lemma, 'n')) > 0 || x.Lemma.All(char.IsAsciiLetterLower)).ToList();

    /// <summary>Balanced test (testPerClass of each class) and training pool (at most trainPerClass of each) from rows
    /// that share no word (each builder guarantees that), shuffled with a seeded stream.</summary>
    internal BuiltTask Deal(List<TaskRow> rows, int testPerClass, int trainPerClass, List<string> notes)
    {
        var rng = new SeededRandom(Seed, Name + "/deal");
        var train = new List<TaskRow>();
        var test = new List<TaskRow>();
        for (int c = 0; c < ClassNames.Length; c++)
        {
            var group = rows.Where(r => r.Label == c).ToList();
            rng.Shuffle(group);
            if (group.Count < testPerClass * 2)
                throw new InvalidOperationException($"{Name}: only {group.Count} examples of class {ClassNames[c]}");
            test.AddRange(group.Take(testPerClass));
            train.AddRange(group.Skip(testPerClass).Take(trainPerClass));
            if (group.Count > testPerClass + trainPerClass)
                notes.Add($"class {ClassNames[c]}: {group.Count - testPerClass - trainPerClass} of {group.Count} candidates unused");
        }
        rng.Shuffle(train);
        rng.Shuffle(test);
        return new BuiltTask(train, test, notes);
    }
}

/// <summary>
/// wordnet-living / wordnet-artifact / wordnet-food: is this noun (its most frequent sense) a member of a category,
/// i.e. is the category's synset among its hypernym ancestors (or, for food, is the sense in WordNet's noun.food
/// lexicographer file, since many dishes sit under "solid food", which WordNet files under matter, not under "food")? Single text, one word per example; train and test words
/// are disjoint, so only knowing the word helps (or, for compounds such as "apple tree", their head word).
/// Words are plain nouns, the sense-tagged (common) ones first, then untagged single words. Negatives are matched to
/// positives by frequency rank (the nearest unused non-member), so rarity is no cue. Test: a fifth of the members (at
/// most TestPerClass) and as many non-members; the training pool: the other members (at most MaxTrainPerClass) and as many.
/// </summary>
internal sealed class WordNetCategoryTask : WordNetTaskBase
{
    private readonly string name, category, categoryKey;
    private readonly int? lexFile;

    public WordNetCategoryTask(string name, string category, string categoryKey, int? lexFile = null)
    {
        (this.name, this.category, this.categoryKey, this.lexFile) = (name, category, categoryKey, lexFile);
        TestPerClass = 500;
        MaxTrainPerClass = 5000;
    }

    public override string Name => name;
    public override string Description => lexFile is int lf
        ? $"Is this noun (its most frequent sense) {category}? Label 1 = yes (WordNet lexicographer file {lf} or hypernym {categoryKey})."
        : $"Is this noun (its most frequent sense) {category}? Label 1 = yes (WordNet hypernym {categoryKey}).";
    public override string[] ClassNames => ["no", "yes"];

    public override BuiltTask Build()
    {
        var db = Load();
        var ranked = Nouns(db);
        var members = ranked.Select(x => x.Sense.LexFile == lexFile || db.Ancestors(x.Sense.Key).ContainsKey(categoryKey) || x.Sense.Key == categoryKey).ToArray();
        var rows = new List<TaskRow>();
        var used = new bool[ranked.Count];
        int positives = 0;
        int wanted = TestPerClass + MaxTrainPerClass;
        for (int i = 0; i < ranked.Count && positives < wanted; i++)
        {
            if (!members[i] || used[i]) continue;
            // The nearest unused non-member in rank (searching from a little above the positive's rank).
            int j = -1;
            for (int k = Math.Max(0, i - 50); k < ranked.Count; k++)
                if (!members[k] && !used[k]) { j = k; break; }
            if (j < 0) break;
            used[i] = used[j] = true;
            positives++;
            rows.Add(new TaskRow(ranked[i].Lemma, Text(ranked[i].Lemma), null, 1));
            rows.Add(new TaskRow(ranked[j].Lemma, Text(ranked[j].Lemma), null, 0));
        }
        var notes = new List<string> { $"{positives} members among the {ranked.Count} plain nouns (sense-tagged first, then untagged single words, most tagged first), each matched with a non-member of similar rank" };
        int test = Math.Min(TestPerClass, positives / 5);
        return Deal(rows, test, Math.Min(MaxTrainPerClass, positives - test), notes);
    }
}

/// <summary>
/// wordnet-hypernym: is X a kind of Y? text = a noun X, text_pair = a noun Y. Positives: Y is a hypernym of X's
/// most frequent sense, one to three levels up (the nearest one not yet used). Negatives: Y is the category of a third noun that appears nowhere, and is
/// not an ancestor of any sense of X. Every X and every category word occurs in exactly one example of the whole task
/// (a category seen with "yes" in one half would otherwise be wrong by construction when it comes back with "no" in the
/// other), and train and test are disjoint in both.
/// </summary>
internal sealed class WordNetHypernymTask : WordNetTaskBase
{
    public override string Name => "wordnet-hypernym";
    public override string Description => $"Is the noun in text a kind of the noun in text_pair? Label 1 = yes (WordNet hypernym, 1-{MaxDistance} levels up).";
    public override string[] ClassNames => ["no", "yes"];
    /// <summary>How far up the hypernym chain a positive category may be (nearest unused first).</summary>
    public const int MaxDistance = 3;
    public const int TestPairs = 500, MaxTrainPairs = 5000;

    public override BuiltTask Build()
    {
        var db = Load();
        var ranked = Nouns(db);
        var items = new List<(string Lemma, List<string> Categories, HashSet<string> Excluded)>();
        foreach (var (lemma, sense) in ranked)
        {
            var close = db.Ancestors(sense.Key).Where(a => a.Value <= MaxDistance).OrderBy(a => a.Value).ThenBy(a => a.Key, StringComparer.Ordinal)
                .Select(a => CategoryWord(db.Synsets[a.Key])).OfType<string>()
                .Where(w => w != lemma && !w.Contains(lemma) && !lemma.Contains(w)).Distinct().ToList();
            if (close.Count == 0) continue;
            // Every sense's ancestors, as words: a negative category must not name any of them.
            var excluded = new HashSet<string>(StringComparer.Ordinal) { lemma };
            foreach (var s in db.Senses[(lemma, 'n')])
            {
                foreach (var w in db.Synsets[s].Words) excluded.Add(w.ToLowerInvariant());
                foreach (var a in db.Ancestors(s).Keys) foreach (var w in db.Synsets[a].Words) excluded.Add(w.ToLowerInvariant());
            }
            items.Add((lemma, close, excluded));
        }
        var rng = new SeededRandom(Seed, Name + "/pick");
        rng.Shuffle(items);
        // Triples (positive, negative, donor) in shuffled order; a category word is used once; nouns are all distinct.
        var usedCategories = new HashSet<string>(StringComparer.Ordinal);
        var usedNouns = new HashSet<string>(StringComparer.Ordinal); // nouns used as text (or as a donor); never a category
        var pairs = new List<(TaskRow Pos, TaskRow Neg)>();
        int skipped = 0;
        for (int i = 0; i + 2 < items.Count && pairs.Count < TestPairs + MaxTrainPairs; i += 3)
        {
            var (p, n, d) = (items[i], items[i + 1], items[i + 2]);
            if (usedCategories.Contains(p.Lemma) || usedCategories.Contains(n.Lemma) || usedCategories.Contains(d.Lemma)) { skipped++; continue; }
            var pc = p.Categories.FirstOrDefault(c => !usedCategories.Contains(c) && !usedNouns.Contains(c));
            var dc = d.Categories.FirstOrDefault(c => c != pc && !usedCategories.Contains(c) && !usedNouns.Contains(c) && !n.Excluded.Contains(c));
            if (pc is null || dc is null) { skipped++; continue; }
            usedCategories.Add(pc);
            usedCategories.Add(dc);
            usedNouns.UnionWith([p.Lemma, n.Lemma, d.Lemma]);
            pairs.Add((new TaskRow(p.Lemma, Text(p.Lemma), Text(pc), 1), new TaskRow(n.Lemma, Text(n.Lemma), Text(dc), 0)));
        }
        // Deal pairs (one yes, one no) to test and train.
        int testPairs = Math.Min(TestPairs, pairs.Count / 5);
        var test = pairs.Take(testPairs).SelectMany(x => new[] { x.Pos, x.Neg }).ToList();
        var train = pairs.Skip(testPairs).SelectMany(x => new[] { x.Pos, x.Neg }).ToList();
        var deal = new SeededRandom(Seed, Name + "/deal");
        deal.Shuffle(train);
        deal.Shuffle(test);
        var notes = new List<string> { $"{items.Count} nouns with a usable hypernym among the {ranked.Count} plain nouns (sense-tagged first, then untagged single words); {pairs.Count} triples used, {skipped} skipped (no unused category)" };
        return new BuiltTask(train, test, notes);
    }

    /// <summary>The synset's first lowercase plain word, or null (proper names, odd forms).</summary>
    private static string? CategoryWord(WordNetDatabase.Synset s) =>
        s.Words.FirstOrDefault(w => w.All(c => c is >= 'a' and <= 'z' or '_' or '-') && w.Length >= 3);
}

/// <summary>
/// wordnet-antonym: are these two words antonyms (1) or synonyms (0)? Antonyms are WordNet's lexical antonym pointers;
/// synonyms are two words of one synset. Both words are plain lemmas, and every word occurs in
/// exactly one pair of the whole task, so train and test words are disjoint. Which word comes first is random.
/// </summary>
internal sealed class WordNetAntonymTask : WordNetTaskBase
{
    public override string Name => "wordnet-antonym";
    public override string Description => "Are these two words antonyms (1) or synonyms (0)?";
    public override string[] ClassNames => ["synonyms", "antonyms"];

    public override BuiltTask Build()
    {
        var db = Load();
        var antonyms = new List<(string A, string B)>();
        var synonyms = new List<(string A, string B)>();
        foreach (var s in db.Synsets.Values.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            foreach (var (sym, src, target, tgt) in s.LexicalPointers)
            {
                if (sym != "!" || src >= s.Words.Length) continue;
                var t = db.Synsets[target];
                if (tgt >= t.Words.Length) continue;
                string a = s.Words[src], b = t.Words[tgt];
                if (string.CompareOrdinal(a, b) < 0 && WordNetDatabase.IsPlainLemma(a) && WordNetDatabase.IsPlainLemma(b)) antonyms.Add((a, b));
            }
            var words = s.Words.Where(WordNetDatabase.IsPlainLemma).ToList();
            for (int i = 0; i + 1 < words.Count; i++)
                if (!words[i].Contains(words[i + 1]) && !words[i + 1].Contains(words[i])) synonyms.Add((words[i], words[i + 1]));
        }
        var rng = new SeededRandom(Seed, Name + "/pairs");
        antonyms = antonyms.Distinct().ToList();
        synonyms = synonyms.Distinct().ToList();
        rng.Shuffle(antonyms);
        rng.Shuffle(synonyms);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<TaskRow>();
        var keptAnt = Take(antonyms, 1, int.MaxValue);
        var keptSyn = Take(synonyms, 0, keptAnt);
        int Take(List<(string A, string B)> pairs, int label, int max)
        {
            int n = 0;
            foreach (var (a, b) in pairs)
            {
                if (n >= max) break;
                if (used.Contains(a) || used.Contains(b)) continue;
                used.Add(a); used.Add(b);
                bool swap = rng.NextInt(2) == 1;
                var (x, y) = swap ? (b, a) : (a, b);
                rows.Add(new TaskRow($"{x}|{y}", Text(x), Text(y), label));
                n++;
            }
            return n;
        }
        var notes = new List<string> { $"{antonyms.Count} antonym pairs and {synonyms.Count} synonym pairs of plain words; {keptAnt} of each kept with no word repeated" };
        int test = Math.Min(500, keptAnt / 5);
        return Deal(rows, test, keptAnt - test, notes);
    }
}
