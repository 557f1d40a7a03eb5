using System.Globalization;
using System.Text;
using WeakToStrong.Protocol;

namespace WeakToStrong.Results;

/// <summary>
/// One experiment's folder: result.json (config, data report, accuracies, PGR) and weak_labels.jsonl (the supervisor's
/// soft labels on B, with whether each was right). Both are written atomically; result.json last, so its presence means done.
/// </summary>
public sealed class RunFolder(string path)
{
    public string Path { get; } = path;
    public string ResultFile => System.IO.Path.Combine(Path, "result.json");
    public string WeakLabelsFile => System.IO.Path.Combine(Path, "weak_labels.jsonl");

    /// <summary>Where a warning about an unreadable result.json goes; null: nowhere.</summary>
    public Action<string>? Warn { get; init; } = message => Console.Error.WriteLine("w2s: warning: " + message);

    /// <summary>A finished result with the same configuration and data, or null (also when result.json cannot be read: it is recomputed).</summary>
    public ExperimentResult? TryLoadFinished(ExperimentConfig config, DataReport data)
    {
        if (!File.Exists(ResultFile)) return null;
        try
        {
            var result = Json.Deserialize<ExperimentResult>(File.ReadAllText(ResultFile));
            if (result?.Config is null || result.Data is null)
            {
                Warn?.Invoke($"{ResultFile}: not a complete result; the run is computed again.");
                return null;
            }
            return result.Config == config && Json.Serialize(result.Data) == Json.Serialize(data) ? result : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or UnauthorizedAccessException)
        {
            Warn?.Invoke($"{ResultFile}: unreadable ({(e is System.Text.Json.JsonException ? "not valid JSON" : e.Message)}); the run is computed again.");
            return null;
        }
    }

    public void Save(ExperimentResult result, WeakLabelSet weakLabels, IReadOnlyList<bool> weakLabelCorrect)
    {
        var lines = new StringBuilder();
        foreach (var (label, correct) in weakLabels.Labels.Zip(weakLabelCorrect))
        {
            var probs = string.Join(",", label.Probabilities.Select(p => p.ToString("R", CultureInfo.InvariantCulture)));
            lines.Append($"{{\"id\":\"{label.Input.Id}\",\"probs\":[{probs}],\"hard\":{label.HardLabel},\"correct\":{(correct ? "true" : "false")}}}\n");
        }
        AtomicFile.WriteAllText(WeakLabelsFile, lines.ToString());
        AtomicFile.WriteAllText(ResultFile, Json.Serialize(result));
    }
}
