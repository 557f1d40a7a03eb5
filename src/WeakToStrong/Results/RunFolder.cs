using System.Globalization;
using System.Text;
using WeakToStrong.Protocol;

namespace WeakToStrong.Results;

/// <summary>
/// One experiment's folder: what the run produced, result.json (config, data report, accuracies, PGR) and weak_labels.jsonl
/// (the supervisor's soft labels on B, with whether each was right). Both are written atomically; result.json last, so its
/// presence means done. It is output only: reruns reuse the stage cache, not this folder.
/// </summary>
internal sealed class RunFolder(string path)
{
    public string Path { get; } = path;
    public string ResultFile => System.IO.Path.Combine(Path, "result.json");
    public string WeakLabelsFile => System.IO.Path.Combine(Path, "weak_labels.jsonl");

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
