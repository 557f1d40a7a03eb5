using WeakToStrong.Protocol;

namespace WeakToStrong.Cli;

/// <summary>The research options of run and sweep that shape the supervision: weak ensembles, gold-label budgets, strong-to-strong rounds, embedding probes.</summary>
internal static class SupervisionOptions
{
    /// <summary>A --weak value, an ensemble written canonically (members joined by '+'); a bad ensemble fails here.</summary>
    public static string Weak(string option, string weak)
    {
        if (WeakEnsemble.Parse(weak, option) is null) return weak;
        return WeakEnsemble.Canonical(weak);
    }

    /// <summary>The gold budget of --gold K and --gold-use, or null for K = 0.</summary>
    public static GoldBudget? Parse(int count, string use, bool useGiven, CheckpointCriterion selection) =>
        Parse(count, ParseUse(use), useGiven, selection);

    public static GoldBudget? Parse(int count, GoldUse use, bool useGiven, CheckpointCriterion selection)
    {
        if (count < 0) throw new UserInputException("--gold", $"must be 0 (none) or a number of gold labels, not {count}", "Give e.g. --gold 64.");
        if (count == 0)
        {
            if (useGiven) throw new UserInputException("--gold-use", "needs --gold K (the number of gold labels)", "Add e.g. --gold 64.");
            return null;
        }
        if (use == GoldUse.Select && selection != CheckpointCriterion.Final)
            throw new UserInputException("--gold-use", "select and --select both choose the student's checkpoint", "Drop one of them.");
        return new GoldBudget(count, use);
    }

    public static GoldUse ParseUse(string text) => text switch
    {
        "mix" => GoldUse.Mix,
        "platt" => GoldUse.Platt,
        "select" => GoldUse.Select,
        _ => throw new UserInputException("--gold-use", $"takes mix, platt or select, not '{text}'", "Give e.g. --gold-use mix."),
    };

    /// <summary>The largest number of strong-to-strong rounds: each is a full student training.</summary>
    public const int MaxRounds = 10;

    public static int Rounds(string option, int rounds) => rounds is >= 0 and <= MaxRounds ? rounds
        : throw new UserInputException(option, $"must be from 0 to {MaxRounds} rounds, not {rounds}", "Give e.g. --s2s 2.");

    public static ProbeUse ParseProbe(string option, string text) => text switch
    {
        "relabel" => ProbeUse.Relabel,
        "filter" => ProbeUse.Filter,
        _ => throw new UserInputException(option, $"takes relabel or filter, not '{text}'", $"Give e.g. {option} relabel."),
    };

    /// <summary>A probe embeds B with the student's pretrained body, so the student needs one.</summary>
    public static void ProbeStudent(string option, string strong)
    {
        if (WeakToStrong.Models.ModelCatalog.Get(strong) is not { Layers: > 0 })
            throw new UserInputException(option, $"embeds B with the student's pretrained body; '{strong}' has none", "Use a transformer student, e.g. --strong minilm-l2.");
    }

    /// <summary>Checks a budget against the data, before anything trains.</summary>
    public static void Check(GoldBudget budget, int smallestB, int classes)
    {
        if (budget.Count > smallestB)
            throw new UserInputException("--gold", $"asks for {budget.Count} gold labels, but half B has only {smallestB} examples", $"Give at most {smallestB}, or use more data.");
        if (budget.Use == GoldUse.Platt && classes != 2)
            throw new UserInputException("--gold-use", $"platt calibrates two-class weak labels; this task has {classes} classes", "Use --gold-use mix or select.");
    }
}
