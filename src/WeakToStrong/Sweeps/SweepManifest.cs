using WeakToStrong.Protocol;
using WeakToStrong.Results;

namespace WeakToStrong.Sweeps;

/// <summary>
/// RESULTS/sweep.json: the last sweep planned into a results folder (its configuration, the command that ran it and its
/// stages), so `w2s status` can tell which stages are done, running or failed without loading data or models.
/// </summary>
public sealed record SweepManifest(SweepConfig Config, IReadOnlyList<string> Command, string Executor, IReadOnlyList<SweepManifest.Stage> Stages)
{
    public sealed record Stage(string Key, StageKind Kind, string Description, string? Labeller);

    public const string FileName = "sweep.json";

    public static SweepManifest Of(SweepPlan plan, IReadOnlyList<string> command, string executor) =>
        new(plan.Config, command, executor, plan.Stages.Select(s => new Stage(s.Key, s.Kind, s.Describe(), s.Labeller?.Key)).ToList());

    public void Save(string resultsFolder) => AtomicFile.WriteAllText(Path.Combine(resultsFolder, FileName), Json.Serialize(this));

    public static SweepManifest Load(string resultsFolder)
    {
        var path = Path.Combine(resultsFolder, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"no sweep in {resultsFolder} (expected {path}; run `w2s sweep --out {resultsFolder}` first)", path);
        return Json.Deserialize<SweepManifest>(File.ReadAllText(path));
    }
}
