using WeakToStrong.Protocol;

namespace WeakToStrong.Sweeps;

/// <summary>
/// A grid of experiments: the <see cref="Template"/> experiment for every pair weak &lt; strong of the model ladder, every
/// task, loss and seed. The template gives everything else (epochs, batch, budget floor, min gap, ...); its models, loss
/// and seed are replaced by the grid's. Bootstrap = at most this many intermediate ladder models per pair (0: none);
/// Generative adds generative-finetuning variants of each student and ceiling. Ensembles adds weak ensembles
/// (<see cref="WeakEnsemble"/>, members joined by '+') as supervisors of every ladder model stronger than all their members.
/// Probes adds, for each use, a variant "probe-relabel" or "probe-filter" of every plain experiment with a transformer student.
/// StrongToStrong adds a variant "s2s" of every plain experiment with that many strong-to-strong rounds.
/// Gold adds, for each budget K &gt; 0, a variant of every experiment whose student has K gold labels used as GoldUse says.
/// </summary>
public sealed record SweepConfig(
    IReadOnlyList<string> Tasks,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Losses,
    int Seeds = 1,
    int FirstSeed = 0,
    int Bootstrap = 0,
    bool Generative = false,
    int? MaxTrain = null,
    int? MaxTest = null,
    ExperimentConfig? Template = null,
    IReadOnlyList<string>? Ensembles = null,
    IReadOnlyList<int>? Gold = null,
    GoldUse GoldUse = GoldUse.Mix,
    int StrongToStrong = 0,
    IReadOnlyList<ProbeUse>? Probes = null)
{
    /// <summary>The experiment of the grid with these models, loss and seed.</summary>
    public ExperimentConfig Experiment(string weak, string strong, string loss, int seed) =>
        (Template ?? new ExperimentConfig()) with { WeakModel = weak, StrongModel = strong, Loss = loss, Seed = seed };
}

/// <summary>One experiment of the grid. Variant: "plain", "genft" (generative finetuning) or "bootstrap".</summary>
public sealed record SweepCell(string Task, int Seed, string Variant, Protocol.ExperimentPlan Plan)
{
    public const string Plain = "plain", Genft = "genft", Bootstrapped = "bootstrap", StrongToStrong = "s2s";

    /// <summary>The variant of a gold-label budget, e.g. "gold64-mix".</summary>
    public static string GoldVariant(GoldBudget gold) => $"gold{gold.Count}-{gold.Use.ToString().ToLowerInvariant()}";

    /// <summary>The method as reports name it: the loss, plus the variant unless plain (e.g. "logconf+genft").</summary>
    public string Method => MethodName(Plan.Config.Loss, Variant);

    public static string MethodName(string loss, string variant) => variant == Plain ? loss : $"{loss}+{variant}";
}
