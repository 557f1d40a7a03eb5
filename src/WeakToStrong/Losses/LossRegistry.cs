namespace WeakToStrong.Losses;

/// <summary>Losses by name for `--loss`. Adding a loss: one new file and one line here.</summary>
public static class LossRegistry
{
    private static readonly Dictionary<string, (Func<ILoss> Create, string Description)> Losses = new()
    {
        ["xent"] = (() => new SoftCrossEntropy(), "cross-entropy against the weak soft labels (naive finetuning)"),
        ["xent-hard"] = (() => new HardCrossEntropy(), "cross-entropy against the weak labels' argmax"),
        ["logconf"] = (() => new ConfidenceLoss(ConfidenceSchedule.Paper, 0.5), "auxiliary confidence loss, paper schedule (a_max 0.5, warm-up over 20% of steps)"),
        ["logconf-0.75"] = (() => new ConfidenceLoss(ConfidenceSchedule.Paper, 0.75), "auxiliary confidence loss, paper schedule, a_max 0.75 (the paper's largest students)"),
        ["logconf-reference"] = (() => new ConfidenceLoss(ConfidenceSchedule.Reference, 0.5), "auxiliary confidence loss with the public code's schedule (ramps to 0.05, then jumps to 0.5)"),
        ["product"] = (() => new ProductLoss(), "target proportional to student probabilities times weak labels"),
        ["entropy"] = (() => new EntropyLoss(), "xent plus the student's prediction entropy, paper warm-up (logconf without hardening)"),
        ["window"] = (() => new ConfidenceWindowLoss(), "xent only where the student is unsure (top probability below 1/K + 0.15)"),
        ["kl"] = (() => new KlLoss(), "KL divergence from the weak labels to the student"),
        ["adaptconf"] = (() => new AdaptiveConfidenceLoss(), "per-example trust between teacher and student's own label (AdaptConf)"),
    };

    public static IReadOnlyCollection<string> Names => Losses.Keys;

    public static string Describe(string name) => Losses[name].Description;

    public static ILoss Create(string name) =>
        Losses.TryGetValue(name, out var entry)
            ? entry.Create()
            : throw new UserInputException("", $"Unknown loss '{name}'. Available: {string.Join(", ", Losses.Keys)}.");
}
