using WeakToStrong.Protocol;
using WeakToStrong.Results;

namespace WeakToStrong.Sweeps;

/// <summary>
/// RESULTS/sweep.json: the last sweep planned into a results folder (its configuration, the command that ran it and its
/// stages), so `w2s status` can tell which stages are done, running or failed without loading data or models.
/// </summary>
internal sealed record SweepManifest(SweepConfig Config, IReadOnlyList<string> Command, string Executor, IReadOnlyList<SweepManifest.Stage> Stages)
{
    public sealed record Stage(string Key, StageKind Kind, string Description, string? Labeller);

    public const string FileName = "sweep.json";

    public static SweepManifest Of(SweepPlan plan, IReadOnlyList<string> command, string executor) =>
        new(plan.Config, command, executor, plan.Stages.Select(s => new Stage(s.Key, s.Kind, s.Describe(), s.Labeller?.Key)).ToList());

    public void Save(string resultsFolder) => AtomicFile.WriteAllText(Path.Combine(resultsFolder, FileName), Json.Serialize(this));

    public static SweepManifest Load(string resultsFolder)
    {
        var path = Path.Combine(resultsFolder, FileName);
        if (!Directory.Exists(resultsFolder))
            throw new UserInputException(resultsFolder, "results folder not found", $"Give the folder of `w2s sweep --out`.");
        if (!File.Exists(path))
            throw new UserInputException(path, $"not found, so {resultsFolder} holds no sweep", $"Run `w2s sweep --out {resultsFolder}` first.");
        const string fix = "Run your `w2s sweep` command again (same --out): it rewrites this file and reuses every finished stage.";
        SweepManifest? manifest;
        try { manifest = Json.Deserialize<SweepManifest>(File.ReadAllText(path)); }
        catch (System.Text.Json.JsonException e)
        {
            throw new UserInputException(path, $"is damaged: not valid JSON ({e.Message.Split(" Path:")[0]})", fix, e);
        }
        if (manifest?.Config is null || manifest.Stages is null || manifest.Command is null || manifest.Stages.Any(s => s?.Key is null))
            throw new UserInputException(path, "is damaged: it lacks the sweep's configuration or stages", fix);
        return manifest;
    }
}
