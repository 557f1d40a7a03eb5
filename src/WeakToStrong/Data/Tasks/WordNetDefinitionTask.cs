namespace WeakToStrong.Data.Tasks;

/// <summary>
/// wordnet-definitions: does this dictionary definition describe a physical entity (an object, a substance, a living
/// thing, a place) or an abstraction (an act, a state, a quality, a group, a measure)? Text = the definition of a
/// WordNet noun synset without its example sentences and without the word itself; label = which of WordNet's two top
/// categories (physical_entity n00001930, abstraction n00002137) is among its hypernym ancestors. Synsets under both or
/// neither, and definitions that occur more than once, are left out. A natural topic-classification task: word features
/// carry much of it, and knowing what the words of a definition mean carries the rest.
/// </summary>
internal sealed class WordNetDefinitionTask : WordNetTaskBase
{
    public const string PhysicalEntity = "n00001930", Abstraction = "n00002137";

    public override string Name => "wordnet-definitions";
    public override string Description => "Does this WordNet noun definition describe a physical entity (1) or an abstraction (0)?";
    public override string[] ClassNames => ["abstraction", "physical"];

    public override BuiltTask Build()
    {
        var db = Load();
        var rows = new List<TaskRow>();
        int both = 0;
        foreach (var synset in db.Synsets.Values.Where(s => s.Pos == 'n').OrderBy(s => s.Offset))
        {
            var ancestors = db.Ancestors(synset.Key);
            bool physical = ancestors.ContainsKey(PhysicalEntity), abstraction = ancestors.ContainsKey(Abstraction);
            if (physical == abstraction) { both++; continue; }
            if (synset.Gloss.Length == 0) continue;
            rows.Add(new TaskRow(synset.Key, synset.Gloss, null, physical ? 1 : 0));
        }
        var repeated = rows.GroupBy(r => r.Text, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        int candidates = rows.Count;
        rows = rows.Where(r => !repeated.Contains(r.Text)).ToList();
        var notes = new List<string>
        {
            $"{candidates} noun synsets under exactly one of physical_entity and abstraction ({both} under both or neither left out)",
            $"{candidates - rows.Count} synsets whose definition occurs more than once left out ({repeated.Count} distinct definitions)",
        };
        return Deal(rows, TestPerClass, MaxTrainPerClass, notes);
    }
}
