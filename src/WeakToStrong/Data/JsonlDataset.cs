using System.Globalization;
using System.Text.Json;

namespace WeakToStrong.Data;

/// <summary>
/// Loads labelled text from JSON Lines: one JSON object per line, e.g. {"text": "...", "text_pair": "...", "label": 1}.
/// <para>Labels, one kind per file:</para>
/// <list type="bullet">
/// <item>non-negative integers: class indices 0..K-1, K = largest label + 1 (integral numbers such as 1.0 are accepted);</item>
/// <item>booleans: false → 0, true → 1 (class names "false", "true");</item>
/// <item>strings: class names. Classes are ordered by ordinal string sort, so the mapping does not depend on line order
///   ("negative" &lt; "positive", "no" &lt; "yes", "false" &lt; "true"). Strings that all look like non-negative integers
///   ("0", "1", ...) are read as indices. Pass classNames to fix the order yourself.</item>
/// </list>
/// When the classes come from the labels (no classNames), K must be close to the number of distinct labels and no class
/// may be a handful of lines beside large ones: both are errors naming the label and a line. A test file must use the
/// train file's kind of label. Invalid UTF-8 is replaced and reported in TaskData.Warnings with its count and first line.
/// Blank lines are ignored. Exact duplicates (same text and pair, same label) are dropped and counted; the same input
/// with conflicting labels is dropped entirely (every copy) and counted, since we cannot know which label is right.
/// Everything dropped is reported in TaskData.Notes.
/// </summary>
internal static class JsonlDataset
{
    /// <summary>Loads one file as a task without a test set (the Splitter will hold one out).</summary>
    public static TaskData Load(string path, JsonlFields? fields = null, IReadOnlyList<string>? classNames = null) =>
        LoadTask(Path.GetFileNameWithoutExtension(path), path, null, fields, classNames);

    /// <summary>
    /// Loads a train file and an optional test file that share one class mapping (the train file's, or classNames).
    /// Train examples whose input also occurs in the test file are dropped from train, so the test set stays as given.
    /// </summary>
    public static TaskData LoadTask(string name, string trainPath, string? testPath, JsonlFields? fields = null,
        IReadOnlyList<string>? classNames = null, string? provenance = null)
    {
        fields ??= JsonlFields.Default;
        var notes = new List<string>();
        var warnings = new List<string>();
        var train = ReadFile(trainPath, fields, classNames, notes, warnings, null);
        var names = train.ClassNames;
        List<Example>? test = null;
        if (testPath is not null)
        {
            var t = ReadFile(testPath, fields, names, notes, warnings, (train.Kind, trainPath));
            test = t.Examples;
            var testIds = test.Select(e => e.Id).ToHashSet();
            int before = train.Examples.Count;
            train.Examples.RemoveAll(e => testIds.Contains(e.Id));
            if (train.Examples.Count == 0)
                throw new DatasetFormatException(trainPath, null, null,
                    $"every one of its {before} examples also occurs in the test file {testPath}, so nothing is left to train on; give a different test file");
            if (train.Examples.Count < before)
                notes.Add($"{trainPath}: dropped {before - train.Examples.Count} examples whose input also occurs in the test file {testPath}");
        }
        notes.AddRange(warnings.Select(w => "warning: " + w));
        return new TaskData(name, names, train.Examples, test,
            provenance ?? (testPath is null ? $"JSONL file {trainPath}" : $"JSONL files {trainPath} (train), {testPath} (test)"),
            notes) { Warnings = warnings };
    }

    private enum LabelKind { Integer, Boolean, String }

    private sealed record RawLine(int Line, ModelInput Input, LabelKind Kind, long Int, string? Str);

    private sealed record FileResult(string[] ClassNames, List<Example> Examples, LabelKind Kind);

    /// <summary>A class with fewer examples than this, next to a class ten times its size, is taken for a stray label.</summary>
    private const int FewestExamples = 5;

    private static FileResult ReadFile(string path, JsonlFields fields, IReadOnlyList<string>? classNames, List<string> notes,
        List<string> warnings, (LabelKind Kind, string Path)? train)
    {
        var lines = JsonlLines.Open(path);
        var raw = new List<RawLine>();
        LabelKind? kind = null;
        int kindLine = 0;
        foreach (var (lineNo, line) in lines.Read())
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            RawLine r;
            try { r = ParseLine(path, lineNo, line, fields); }
            catch (InvalidOperationException e) when (JsonlLines.IsUnreadableText(e)) { throw JsonlLines.NotText(path, lineNo, null, e); }
            // One label kind per file: a mix (1 here, "yes" there) is almost always an export bug.
            if (kind is null) { kind = r.Kind; kindLine = lineNo; }
            else if (kind != r.Kind)
                throw new DatasetFormatException(path, lineNo, fields.Label,
                    $"label is {Describe(r.Kind)} but line {kindLine} has {Describe(kind.Value)}; use one kind of label per file.");
            raw.Add(r);
        }
        if (lines.Warning is { } invalid) warnings.Add(invalid);
        if (raw.Count == 0)
            throw new DatasetFormatException(path, null, null,
                "file is empty (no non-blank lines); expected one JSON object per line, e.g. {\"text\": \"...\", \"label\": 0}.");

        // Strings that are all integer-like are indices; decide on the whole file so the rule is order-independent.
        bool indexStrings = raw[0].Kind == LabelKind.String && raw.All(r => IsIndexString(r.Str!));
        if (indexStrings && (classNames is null || train?.Kind == LabelKind.Integer))
            raw = raw.Select(r => r with { Kind = LabelKind.Integer, Int = long.Parse(r.Str!, CultureInfo.InvariantCulture) }).ToList();
        kind = raw[0].Kind;
        // A test file must label the way its train file does: mapping 0/1 onto sorted class names would be a guess.
        if (train is { } t && t.Kind != kind)
            throw new DatasetFormatException(path, raw[0].Line, fields.Label,
                $"label is {Describe(kind.Value)} but the train file {t.Path} has {Plural(t.Kind)} ({string.Join(", ", classNames!.Take(10))}); " +
                "use the same kind of label in both files.");

        string[] names = classNames?.ToArray() ?? kind switch
        {
            LabelKind.Boolean => ["false", "true"],
            LabelKind.String => raw.Select(r => r.Str!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
            _ => Enumerable.Range(0, checked((int)raw.Max(r => r.Int) + 1)).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(),
        };

        var labelled = new List<(int Line, Example Ex)>(raw.Count);
        foreach (var r in raw)
            labelled.Add((r.Line, new Example(r.Input, ToIndex(path, fields, r, names, classNames is not null))));
        if (classNames is null) CheckInferredClasses(path, fields, labelled, names, warnings);

        var examples = Deduplicate(path, labelled, notes);

        var present = examples.Select(e => e.Label).Distinct().Count();
        if (present < 2)
        {
            var only = examples.Count == 0 ? "no" : $"only class '{names[examples[0].Label]}'";
            throw new DatasetFormatException(path, null, fields.Label,
                $"{only} examples remain after loading ({raw.Count} lines); a classification task needs at least two classes. " +
                "Check the label field name and that the file is not filtered to one class.");
        }
        var empty = Enumerable.Range(0, names.Length).Where(c => examples.All(e => e.Label != c)).ToList();
        if (empty.Count > 0)
            // Many-class tasks (chess: 256 move indices) leave most classes empty: name a few, count the rest.
            notes.Add($"{path}: no examples of {(empty.Count > 8 ? $"{empty.Count} classes, e.g." : "class(es)")} " +
                      string.Join(", ", empty.Take(8).Select(c => $"'{names[c]}'")));
        return new FileResult(names, examples, kind.Value);
    }

    /// <summary>
    /// Classes read off the labels themselves must look like classes: K (largest index + 1) near the number of distinct
    /// labels, and no class of a handful of lines beside large ones. A stray "label": 9999 or a typo'd class name
    /// otherwise becomes a class of its own (and 9999 a 10,000-way output layer).
    /// </summary>
    private static void CheckInferredClasses(string path, JsonlFields fields, List<(int Line, Example Ex)> labelled, string[] names, List<string> warnings)
    {
        var counts = new int[names.Length];
        var firstLine = new int[names.Length];
        foreach (var (line, ex) in labelled)
        {
            if (counts[ex.Label]++ == 0) firstLine[ex.Label] = line;
        }
        var present = Enumerable.Range(0, names.Length).Where(c => counts[c] > 0).ToList();
        int top = present.MaxBy(c => counts[c]);
        if (names.Length - present.Count >= 2)
        {
            int last = present[^1];
            throw new DatasetFormatException(path, firstLine[last], fields.Label,
                $"label {names[last]} makes {names.Length} classes (K is the largest label + 1), but only {present.Count} distinct labels occur " +
                $"({string.Join(", ", present.Take(10).Select(c => names[c]))}{(present.Count > 10 ? ", ..." : "")}). " +
                "Labels must be class indices 0..K-1: fix the stray label, or number the classes from 0 without gaps.");
        }
        foreach (var c in present.Where(c => counts[c] < FewestExamples && counts[c] * 10 <= counts[top]))
            throw new DatasetFormatException(path, firstLine[c], fields.Label,
                $"label {Quote(names[c])} occurs on only {(counts[c] == 1 ? "this line" : $"{counts[c]} lines (the first is this one)")} while label {Quote(names[top])} " +
                $"occurs on {counts[top]}; a class of fewer than {FewestExamples} examples can be neither learned nor measured. " +
                "Fix the label if it is a mistake, remove those lines, or add examples of that class.");
        if (present.Count > 2)
            foreach (var c in present.Where(c => counts[c] * 100 < labelled.Count))
                warnings.Add($"{path}:{firstLine[c]}: label {Quote(names[c])} occurs on only {counts[c]} of {labelled.Count} lines (the first is this one) " +
                             $"and makes a class of its own ({names.Length} classes); if it is a mistake, fix those lines.");
    }

    private static string Quote(string name) => IsIndexString(name) ? name : $"'{name}'";

    private static RawLine ParseLine(string path, int lineNo, string line, JsonlFields fields)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(line); }
        catch (JsonException ex)
        {
            throw new DatasetFormatException(path, lineNo, null,
                $"invalid JSON ({ex.Message.Split(" Path:")[0]}); each line must be one complete JSON object.");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new DatasetFormatException(path, lineNo, null,
                    $"expected a JSON object, got {root.ValueKind.ToString().ToLowerInvariant()}; write one object per line, e.g. {{\"text\": \"...\", \"label\": 0}}.");

            if (!root.TryGetProperty(fields.Text, out var textEl) || textEl.ValueKind == JsonValueKind.Null)
                throw new DatasetFormatException(path, lineNo, fields.Text,
                    $"missing; every line needs a text field (if your file names it differently, give its name with --text-field, or JsonlFields(Text: \"...\") in code).");
            if (textEl.ValueKind != JsonValueKind.String)
                throw new DatasetFormatException(path, lineNo, fields.Text,
                    $"must be a string, got {Kind(textEl)}.");
            var text = JsonlLines.String(textEl, path, lineNo, fields.Text);
            if (string.IsNullOrWhiteSpace(text))
                throw new DatasetFormatException(path, lineNo, fields.Text, "is empty; remove the line or fill in the text.");

            string? pair = null;
            if (root.TryGetProperty(fields.TextPair, out var pairEl) && pairEl.ValueKind != JsonValueKind.Null)
            {
                if (pairEl.ValueKind != JsonValueKind.String)
                    throw new DatasetFormatException(path, lineNo, fields.TextPair, $"must be a string or absent, got {Kind(pairEl)}.");
                pair = JsonlLines.String(pairEl, path, lineNo, fields.TextPair);
                if (string.IsNullOrEmpty(pair)) pair = null;
            }

            if (!root.TryGetProperty(fields.Label, out var labelEl) || labelEl.ValueKind == JsonValueKind.Null)
                throw new DatasetFormatException(path, lineNo, fields.Label,
                    "missing; every line needs a label (a class index 0..K-1, a boolean, or a class name). " +
                    "If your file names it differently, give its name with --label-field (JsonlFields(Label: \"...\") in code).");

            var input = ModelInput.Of(text, pair);
            switch (labelEl.ValueKind)
            {
                case JsonValueKind.True: return new RawLine(lineNo, input, LabelKind.Boolean, 1, null);
                case JsonValueKind.False: return new RawLine(lineNo, input, LabelKind.Boolean, 0, null);
                case JsonValueKind.String:
                    var s = JsonlLines.String(labelEl, path, lineNo, fields.Label);
                    if (string.IsNullOrWhiteSpace(s))
                        throw new DatasetFormatException(path, lineNo, fields.Label, "is an empty string; give a class name, index or boolean.");
                    return new RawLine(lineNo, input, LabelKind.String, 0, s);
                case JsonValueKind.Number:
                    long v;
                    if (!labelEl.TryGetInt64(out v))
                    {
                        double d = labelEl.GetDouble();
                        if (d != Math.Floor(d) || Math.Abs(d) > int.MaxValue)
                            throw new DatasetFormatException(path, lineNo, fields.Label,
                                $"{labelEl.GetRawText()} is not a class index; labels must be integers 0..K-1, booleans or class names " +
                                "(soft labels are not ground truth: round them or store them elsewhere).");
                        v = (long)d;
                    }
                    if (v < 0)
                        throw new DatasetFormatException(path, lineNo, fields.Label,
                            $"{v} is negative; class indices start at 0 (map e.g. -1/1 labels to 0/1).");
                    if (v > 10_000)
                        throw new DatasetFormatException(path, lineNo, fields.Label,
                            $"{v} is too large for a class index; labels must be 0..K-1.");
                    return new RawLine(lineNo, input, LabelKind.Integer, v, null);
                default:
                    throw new DatasetFormatException(path, lineNo, fields.Label,
                        $"must be an integer class index, a boolean or a class-name string, got {Kind(labelEl)}.");
            }
        }
    }

    private static int ToIndex(string path, JsonlFields fields, RawLine r, string[] names, bool namesGiven)
    {
        switch (r.Kind)
        {
            case LabelKind.String:
                int i = Array.IndexOf(names, r.Str);
                if (i >= 0) return i;
                if (IsIndexString(r.Str!) && long.Parse(r.Str!, CultureInfo.InvariantCulture) < names.Length)
                    return int.Parse(r.Str!, CultureInfo.InvariantCulture);
                throw new DatasetFormatException(path, r.Line, fields.Label,
                    $"'{r.Str}' is not one of the classes [{string.Join(", ", names)}]" +
                    (namesGiven ? "; fix the label or the class list." : "."));
            case LabelKind.Boolean when names.Length != 2:
                throw new DatasetFormatException(path, r.Line, fields.Label,
                    $"boolean labels need exactly 2 classes, but the classes are [{string.Join(", ", names)}].");
            default:
                if (r.Int >= names.Length)
                    throw new DatasetFormatException(path, r.Line, fields.Label,
                        $"{r.Int} is out of range: there are {names.Length} classes [{string.Join(", ", names)}], indices 0..{names.Length - 1}.");
                return (int)r.Int;
        }
    }

    private static List<Example> Deduplicate(string path, List<(int Line, Example Ex)> labelled, List<string> notes)
    {
        var firstLine = new Dictionary<string, (int Line, int Label)>();
        var conflicted = new HashSet<string>();
        int duplicates = 0;
        string? firstDup = null, firstConflict = null;
        var kept = new List<Example>(labelled.Count);
        foreach (var (line, ex) in labelled)
        {
            if (firstLine.TryGetValue(ex.Id, out var seen))
            {
                if (seen.Label == ex.Label) { duplicates++; firstDup ??= $"line {line} repeats line {seen.Line}"; }
                else { conflicted.Add(ex.Id); firstConflict ??= $"line {line} contradicts line {seen.Line}"; }
                continue;
            }
            firstLine[ex.Id] = (line, ex.Label);
            kept.Add(ex);
        }
        if (duplicates > 0)
            notes.Add($"{path}: dropped {duplicates} duplicate lines (same input and label; e.g. {firstDup})");
        if (conflicted.Count > 0)
        {
            int removed = kept.RemoveAll(e => conflicted.Contains(e.Id));
            int lines = labelled.Count(l => conflicted.Contains(l.Ex.Id));
            notes.Add($"{path}: dropped {removed} inputs ({lines} lines) that appear with conflicting labels (e.g. {firstConflict})");
        }
        return kept;
    }

    private static bool IsIndexString(string s) => s.Length is > 0 and <= 5 && s.All(char.IsAsciiDigit);

    private static string Describe(LabelKind k) => k switch
    {
        LabelKind.Integer => "an integer",
        LabelKind.Boolean => "a boolean",
        _ => "a string",
    };

    private static string Plural(LabelKind k) => k switch
    {
        LabelKind.Integer => "integer labels",
        LabelKind.Boolean => "boolean labels",
        _ => "class names as labels",
    };

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => $"number {e.GetRawText()}",
        JsonValueKind.String => "a string",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => e.ValueKind.ToString().ToLowerInvariant(),
    };
}
