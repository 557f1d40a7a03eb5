using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WeakToStrong.Data;

/// <summary>One preference as given: the preferred and the other response, and the prompt if the file has one.</summary>
internal sealed record Preference(string? Prompt, string Chosen, string Rejected)
{
    /// <summary>The text a reward model scores: the prompt and the response, or the whole transcript when there is no prompt.</summary>
    public static string Transcript(string? prompt, string response) => prompt is null ? response : prompt + "\n\n" + response;

    /// <summary>
    /// The pair as the protocol sees it: two transcripts in an order fixed by a hash of the content, not by the file
    /// (half the pairs put the preferred one second, so always answering "first" scores about 50%); label 1 = first preferred.
    /// </summary>
    public Example ToExample()
    {
        string chosen = Transcript(Prompt, Chosen), rejected = Transcript(Prompt, Rejected);
        bool chosenFirst = (SHA256.HashData(Encoding.UTF8.GetBytes(chosen + "\u001f" + rejected))[0] & 1) == 0;
        return chosenFirst ? Example.Of(chosen, rejected, 1) : Example.Of(rejected, chosen, 0);
    }
}

/// <summary>
/// Loads preference pairs from JSON Lines, in either common layout: {"prompt", "chosen", "rejected"} (responses to a
/// shared prompt) or {"chosen", "rejected"} (each a whole transcript, as in public preference sets). Errors name the file,
/// line and field. Exact duplicate pairs are dropped and counted.
/// </summary>
internal static class PreferenceDataset
{
    public static readonly string[] ClassNames = ["second preferred", "first preferred"];

    /// <summary>
    /// Whether a JSONL file holds preferences: its first non-blank line has "chosen" or "rejected" (a line with only one
    /// of them is a broken preference pair, which <see cref="Read"/> reports, not a classification example).
    /// </summary>
    public static bool IsPreferenceFile(string path)
    {
        if (!File.Exists(path)) return false;
        string? first;
        try { first = JsonlLines.Open(path).Read().Select(l => l.Text).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l)); }
        catch (DatasetFormatException) { return false; } // unreadable: the loader says why
        if (first is null) return false;
        try
        {
            using var doc = JsonDocument.Parse(first);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && (doc.RootElement.TryGetProperty("chosen", out _) || doc.RootElement.TryGetProperty("rejected", out _));
        }
        catch (JsonException) { return false; }
        catch (InvalidOperationException e) when (JsonlLines.IsUnreadableText(e)) { return false; } // the loader names the line
    }

    public static IReadOnlyList<Preference> Read(string path) => Read(path, []);

    private static IReadOnlyList<Preference> Read(string path, List<string> warnings)
    {
        var lines = JsonlLines.Open(path, "preference file");
        var pairs = new List<Preference>();
        bool? withPrompt = null;
        foreach (var (lineNo, line) in lines.Read())
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement root;
            try { root = JsonDocument.Parse(line).RootElement; }
            catch (JsonException ex)
            {
                throw new DatasetFormatException(path, lineNo, null, $"not valid JSON ({ex.Message}); each line must be one object like " +
                    "{\"prompt\": \"...\", \"chosen\": \"...\", \"rejected\": \"...\"}.");
            }
            if (root.ValueKind != JsonValueKind.Object)
                throw new DatasetFormatException(path, lineNo, null, "expected a JSON object with \"chosen\" and \"rejected\".");
            try
            {
                string? prompt = root.TryGetProperty("prompt", out var p) ? Text(path, lineNo, "prompt", p) : null;
                withPrompt ??= prompt is not null;
                if (withPrompt != (prompt is not null))
                    throw new DatasetFormatException(path, lineNo, "prompt", "some lines have a prompt and others not; use one layout per file.");
                string chosen = Required(path, lineNo, root, "chosen"), rejected = Required(path, lineNo, root, "rejected");
                if (chosen == rejected)
                    throw new DatasetFormatException(path, lineNo, "rejected", "is identical to 'chosen', so the pair states no preference; remove the line.");
                pairs.Add(new Preference(prompt, chosen, rejected));
            }
            catch (InvalidOperationException e) when (JsonlLines.IsUnreadableText(e)) { throw JsonlLines.NotText(path, lineNo, null, e); }
        }
        if (lines.Warning is { } invalid) warnings.Add(invalid);
        if (pairs.Count == 0)
            throw new DatasetFormatException(path, null, null, "no preference pairs (the file has no non-blank lines).");
        return pairs;
    }

    /// <summary>A preference task from a train file and an optional test file (inputs also in test are dropped from train).</summary>
    public static TaskData LoadTask(string name, string trainPath, string? testPath = null, string? provenance = null)
    {
        var notes = new List<string>();
        var warnings = new List<string>();
        var train = Examples(trainPath, notes, warnings);
        List<Example>? test = null;
        if (testPath is not null)
        {
            if (!IsPreferenceFile(testPath) && File.Exists(testPath))
                throw new DatasetFormatException(testPath, null, null,
                    $"holds no preference pairs (its first line has neither \"chosen\" nor \"rejected\"), but the train file {trainPath} does; " +
                    "give a test file of the same kind.");
            test = Examples(testPath, notes, warnings);
            var testIds = test.Select(e => e.Id).ToHashSet();
            int before = train.Count;
            train.RemoveAll(e => testIds.Contains(e.Id));
            if (train.Count == 0)
                throw new DatasetFormatException(trainPath, null, null,
                    $"every one of its {before} pairs also occurs in the test file {testPath}, so nothing is left to train on; give a different test file.");
            if (train.Count < before) notes.Add($"{trainPath}: dropped {before - train.Count} pairs that also occur in {testPath}");
        }
        notes.AddRange(warnings.Select(w => "warning: " + w));
        return new TaskData(name, ClassNames, train, test, provenance ?? $"preference JSONL {trainPath}", notes)
            { Inputs = InputKinds.Preference, Warnings = warnings };
    }

    private static List<Example> Examples(string path, List<string> notes, List<string> warnings)
    {
        var all = Read(path, warnings).Select(p => p.ToExample()).ToList();
        var unique = all.DistinctBy(e => e.Id).ToList();
        if (unique.Count < all.Count) notes.Add($"{path}: dropped {all.Count - unique.Count} duplicate pairs");
        return unique;
    }

    private static string Required(string path, int line, JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value))
            throw new DatasetFormatException(path, line, field, "is missing; every line needs \"chosen\" and \"rejected\" (and optionally \"prompt\").");
        return Text(path, line, field, value);
    }

    private static string Text(string path, int line, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
            throw new DatasetFormatException(path, line, field, $"must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}.");
        var s = JsonlLines.String(value, path, line, field);
        if (string.IsNullOrWhiteSpace(s)) throw new DatasetFormatException(path, line, field, "is empty.");
        return s;
    }
}
