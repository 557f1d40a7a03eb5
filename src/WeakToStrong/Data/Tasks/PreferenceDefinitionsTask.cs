namespace WeakToStrong.Data.Tasks;

/// <summary>
/// pref-definitions: "What does WORD mean?" answered by WordNet's gloss of the word's most frequent sense (preferred)
/// and by the gloss of a close relative (a co-hyponym: another sense under the same direct hypernym, e.g. "dog" vs
/// "wolf"), so both answers are plausible and only knowing the word tells them apart. Nouns and verbs. Whole hypernym
/// families go to one side of the split, so test words and both test glosses are unseen in training.
/// </summary>
internal sealed class PreferenceDefinitionsTask : WordNetTaskBase
{
    public override string Name => "pref-definitions";
    public override string Description => "Which answer to \"What does WORD mean?\" is right: the word's WordNet gloss or a sibling sense's gloss?";
    public override string[] ClassNames => PreferenceDataset.ClassNames;
    public override string Inputs => InputKinds.Preference;
    public override bool Shipped => false;
    public int TestPairs { get; init; } = 600;
    public int MaxTrainPairs { get; init; } = 3000;

    public override BuiltTask Build()
    {
        var db = Load();
        var rng = new SeededRandom(Seed, Name + "/sibling");
        var families = new Dictionary<string, List<(TaskRow Row, bool Leaks)>>(StringComparer.Ordinal);
        var usedSenses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pos in new[] { 'n', 'v' })
            foreach (var (lemma, sense) in db.RankedLemmas(pos))
            {
                if (!usedSenses.Add(sense.Key) || !Usable(sense.Gloss)) continue;
                var hypernym = sense.Targets("@").FirstOrDefault();
                if (hypernym is null) continue;
                var siblings = db.Synsets[hypernym].Targets("~").Select(k => db.Synsets[k])
                    .Where(s => s.Key != sense.Key && Usable(s.Gloss) && s.Gloss != sense.Gloss
                                && !s.Words.Any(w => string.Equals(w, lemma, StringComparison.OrdinalIgnoreCase)))
                    .OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
                if (siblings.Count == 0) continue;
                var sibling = siblings[rng.NextInt(siblings.Count)];
                var example = new Preference($"What does \"{Text(lemma)}\" mean?", sense.Gloss, sibling.Gloss).ToExample();
                var row = new TaskRow($"{pos}/{lemma}", example.Input.Text, example.Input.TextPair, example.Label);
                if (!families.TryGetValue(hypernym, out var family)) families[hypernym] = family = [];
                family.Add((row, WordNetGlossTask.Leaks(lemma, sense.Gloss)));
            }

        // Families in a seeded order: the first ones fill the test set, the rest the training pool.
        var order = families.Keys.Order(StringComparer.Ordinal).ToList();
        new SeededRandom(Seed, Name + "/families").Shuffle(order);
        var test = new List<(TaskRow Row, bool Leaks)>();
        var train = new List<(TaskRow Row, bool Leaks)>();
        foreach (var key in order)
            (test.Count < TestPairs ? test : train).AddRange(families[key]);
        int available = train.Count;
        train = train.Take(MaxTrainPairs).ToList();
        var notes = new List<string>
        {
            $"{families.Sum(f => f.Value.Count)} pairs from {families.Count} hypernym families (nouns and verbs); test {test.Count}, training pool {train.Count} of {available}",
            $"preferred gloss contains the word's stem (a surface cue): {Share(train):P1} of training pairs, {Share(test):P1} of test pairs",
        };
        return new BuiltTask(train.Select(t => t.Row).ToList(), test.Select(t => t.Row).ToList(), notes);
    }

    private static double Share(List<(TaskRow Row, bool Leaks)> rows) => rows.Count == 0 ? 0 : rows.Count(r => r.Leaks) / (double)rows.Count;

    private static bool Usable(string gloss) => gloss.Length is >= 10 and <= 200 && gloss.Contains(' ');
}
