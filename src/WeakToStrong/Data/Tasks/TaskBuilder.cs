using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WeakToStrong.Data.Sources;

namespace WeakToStrong.Data.Tasks;

/// <summary>One example as a builder writes it: text, optional pair, class index, and a stable source id.</summary>
internal sealed record TaskRow(string Id, string Text, string? Pair, int Label)
{
    /// <summary>A builder's own string fields, written after the label.</summary>
    public IReadOnlyList<(string Name, string Value)> Extra { get; init; } = [];
}

/// <summary>What a builder produced: the training pool, the fixed test set, and notes on what it dropped or chose.</summary>
internal sealed record BuiltTask(IReadOnlyList<TaskRow> Train, IReadOnlyList<TaskRow> Test, IReadOnlyList<string> Notes);

/// <summary>
/// A task of the suite: turns an installed source package into train.jsonl / test.jsonl / task.json.
/// Builders are deterministic (same package version and seed → byte-identical files) and never install anything.
/// </summary>
internal abstract class TaskBuilder
{
    public abstract string Name { get; }
    public abstract string Description { get; }
    public abstract string[] ClassNames { get; }
    /// <summary>The packages it reads; the first one names the source in listings.</summary>
    public abstract IReadOnlyList<SourcePackage> Sources { get; }
    /// <summary>True if the built files are committed under data/ (licence allows it); otherwise built at prepare time.</summary>
    public abstract bool Shipped { get; }
    /// <summary>Licence of the data, as stated by its source.</summary>
    public abstract string DataLicence { get; }
    public virtual int Seed => 0;
    /// <summary>What the inputs are (<see cref="InputKinds"/>), written to task.json.</summary>
    public virtual string Inputs => InputKinds.Text;
    /// <summary>For tasks of independent examples: test examples per class, and the cap on training examples per class.</summary>
    public int TestPerClass { get; init; } = 400;
    public int MaxTrainPerClass { get; init; } = 2000;

    public SourcePackage? MissingSource() => Sources.FirstOrDefault(s => s.Locate() is null);

    /// <summary>Reads the sources and builds the rows. Callers check MissingSource first.</summary>
    public abstract BuiltTask Build();

    /// <summary>Builds and writes the three files into outputDir (created). Returns the build's notes.</summary>
    public BuiltTask Write(string outputDir)
    {
        if (MissingSource() is { } missing)
            throw new InvalidOperationException($"task {Name} needs the package {missing.Name}, which is not installed. Install it with: {missing.InstallHint}");
        Directory.CreateDirectory(outputDir);
        return WriteFiles(outputDir);
    }

    /// <summary>Writes train.jsonl, test.jsonl and task.json in the common format (<see cref="TaskFiles"/>).</summary>
    protected virtual BuiltTask WriteFiles(string outputDir)
    {
        var built = Build();
        File.WriteAllBytes(Path.Combine(outputDir, "train.jsonl"), TaskFiles.Jsonl(built.Train));
        File.WriteAllBytes(Path.Combine(outputDir, "test.jsonl"), TaskFiles.Jsonl(built.Test));
        File.WriteAllBytes(Path.Combine(outputDir, "task.json"), TaskFiles.TaskJson(this, built));
        return built;
    }

    public string Provenance() =>
        string.Join("; ", Sources.Select(s => $"{(s.Kind == PackageKind.Apt ? "Debian" : "npm")} package {s.Name} {s.InstalledVersion()} ({s.Licence})")) +
        $"; data licence: {DataLicence}; built by {GetType().FullName} with seed {Seed}";
}

/// <summary>The on-disk format shared by every builder.</summary>
internal static class TaskFiles
{
    internal static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // readable files; still valid JSON
        Indented = false,
    };

    /// <param name="ids">False: rows carry no "id" field (wordnet-gloss's committed format).</param>
    public static byte[] Jsonl(IEnumerable<TaskRow> rows, bool ids = true)
    {
        using var ms = new MemoryStream();
        foreach (var r in rows)
        {
            using (var w = new Utf8JsonWriter(ms, Options))
            {
                w.WriteStartObject();
                if (ids) w.WriteString("id", r.Id);
                w.WriteString("text", r.Text);
                if (r.Pair is not null) w.WriteString("text_pair", r.Pair);
                w.WriteNumber("label", r.Label);
                foreach (var (name, value) in r.Extra) w.WriteString(name, value);
                w.WriteEndObject();
            }
            ms.WriteByte((byte)'\n');
        }
        return ms.ToArray();
    }

    public static byte[] TaskJson(TaskBuilder b, BuiltTask built)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, Options with { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", b.Name);
            w.WriteStartArray("classes");
            foreach (var c in b.ClassNames) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteString("description", b.Description);
            if (b.Inputs != InputKinds.Text) w.WriteString("inputs", b.Inputs);
            w.WriteString("provenance", b.Provenance());
            w.WriteStartArray("sources");
            foreach (var s in b.Sources)
            {
                w.WriteStartObject();
                w.WriteString("kind", s.Kind == PackageKind.Apt ? "debian" : "npm");
                w.WriteString("package", s.Name);
                w.WriteString("version", s.InstalledVersion());
                w.WriteString("licence", s.Licence);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("data_licence", b.DataLicence);
            w.WriteNumber("seed", b.Seed);
            WriteCounts(w, "train", built.Train, b.ClassNames.Length);
            WriteCounts(w, "test", built.Test, b.ClassNames.Length);
            w.WriteStartArray("notes");
            foreach (var n in built.Notes) w.WriteStringValue(n);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }

    private static void WriteCounts(Utf8JsonWriter w, string split, IReadOnlyList<TaskRow> rows, int classes)
    {
        var counts = new int[classes];
        foreach (var r in rows) counts[r.Label]++;
        w.WriteStartObject(split);
        w.WriteNumber("examples", rows.Count);
        w.WriteStartArray("class_counts");
        foreach (var c in counts) w.WriteNumberValue(c);
        w.WriteEndArray();
        w.WriteNumber("majority_rate", rows.Count == 0 ? 0 : Math.Round((double)counts.Max() / rows.Count, 4));
        w.WriteEndObject();
    }

    /// <summary>
    /// For tasks whose examples are independent (emails, reviews, tweets, titles): drops empty texts, exact duplicates and
    /// texts seen with conflicting labels; draws a test set of testPerClass examples of every class (seeded) and keeps at
    /// most maxTrainPerClass of each class in the training pool. Rows keep their ids; both sets are shuffled.
    /// </summary>
    public static BuiltTask SplitIndependent(IEnumerable<TaskRow> rows, int classes, int testPerClass, int maxTrainPerClass,
        int seed, string stream, List<string> notes)
    {
        var all = rows.Where(r => !string.IsNullOrWhiteSpace(r.Text)).ToList();
        var byText = all.GroupBy(r => (r.Text, r.Pair)).ToList();
        var conflicted = byText.Where(g => g.Select(r => r.Label).Distinct().Count() > 1).ToList();
        int duplicates = byText.Sum(g => g.Count() - 1) - conflicted.Sum(g => g.Count() - 1);
        var unique = byText.Where(g => g.Select(r => r.Label).Distinct().Count() == 1).Select(g => g.First()).ToList();
        if (duplicates > 0) notes.Add($"dropped {duplicates} exact duplicate texts");
        if (conflicted.Count > 0) notes.Add($"dropped {conflicted.Sum(g => g.Count())} rows ({conflicted.Count} texts) that occur with conflicting labels");

        var rng = new SeededRandom(seed, stream);
        var train = new List<TaskRow>();
        var test = new List<TaskRow>();
        for (int c = 0; c < classes; c++)
        {
            var group = unique.Where(r => r.Label == c).ToList();
            rng.Shuffle(group);
            if (group.Count < testPerClass + 2)
                throw new InvalidOperationException($"class {c} has only {group.Count} examples; cannot hold out {testPerClass} for the test set");
            test.AddRange(group.Take(testPerClass));
            var rest = group.Skip(testPerClass).ToList();
            if (rest.Count > maxTrainPerClass) notes.Add($"class {c}: kept {maxTrainPerClass} of {rest.Count} training examples");
            train.AddRange(rest.Take(maxTrainPerClass));
        }
        rng.Shuffle(train);
        rng.Shuffle(test);
        return new BuiltTask(train, test, notes);
    }

    /// <summary>Collapses whitespace and trims; cuts at maxChars on a word boundary (and says so via the return flag).</summary>
    public static (string Text, bool Cut) Clean(string text, int maxChars)
    {
        var sb = new StringBuilder(Math.Min(text.Length, maxChars + 16));
        bool space = false;
        foreach (char ch in text)
        {
            if (char.IsWhiteSpace(ch)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(ch);
            if (sb.Length >= maxChars) break;
        }
        var s = sb.ToString();
        bool cut = s.Length >= maxChars;
        if (cut)
        {
            int last = s.LastIndexOf(' ');
            if (last > maxChars / 2) s = s[..last];
        }
        return (s, cut);
    }
}
