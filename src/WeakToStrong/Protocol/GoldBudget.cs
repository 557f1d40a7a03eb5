using WeakToStrong.Data;
using WeakToStrong.Metrics;

namespace WeakToStrong.Protocol;

/// <summary>How the student uses a gold-label budget (<see cref="GoldBudget"/>).</summary>
public enum GoldUse
{
    /// <summary>Train on the gold labels too: each replaces its weak label and counts <see cref="GoldBudget.MixWeight"/> times.</summary>
    Mix,

    /// <summary>Platt-calibrate the weak labels: a 1-D logistic map on the weak logit, fitted on the gold labels, applied to every weak label.</summary>
    Platt,

    /// <summary>Keep the student checkpoint with the best accuracy on the gold labels.</summary>
    Select,
}

/// <summary>
/// K ground-truth labels of half B that the experimenter may use for the student (drawn by seed, see
/// <see cref="ExperimentSplit.Gold"/>), and how. The rest of B's truth stays out of the student's reach.
/// </summary>
public sealed record GoldBudget(int Count, GoldUse Use)
{
    /// <summary>With <see cref="GoldUse.Mix"/>, a gold example appears this many times in the student's training set (a weak label once).</summary>
    public const int MixWeight = 4;

    /// <summary>
    /// The student's training labels with the gold labels mixed in: the weak label at each gold position is replaced by the
    /// one-hot truth, and <see cref="MixWeight"/> − 1 more copies of each gold example are appended.
    /// </summary>
    internal static IReadOnlyList<WeakLabel> Mix(IReadOnlyList<WeakLabel> weak, GoldLabels gold, int classes)
    {
        var mixed = weak.ToList();
        var extra = new List<WeakLabel>();
        foreach (var (position, example) in gold.Positions.Zip(gold.Examples))
        {
            var target = new float[classes];
            target[example.Label] = 1;
            mixed[position] = new WeakLabel(example.Input, target);
            for (int copy = 1; copy < MixWeight; copy++) extra.Add(mixed[position]);
        }
        return [.. mixed, .. extra];
    }

    /// <summary>The weak labels, each mapped through the Platt map fitted on the gold labels (two classes only).</summary>
    internal static IReadOnlyList<WeakLabel> Calibrate(IReadOnlyList<WeakLabel> weak, GoldLabels gold) => Calibrate(weak, gold, out _);

    /// <inheritdoc cref="Calibrate(IReadOnlyList{WeakLabel}, GoldLabels)"/>
    internal static IReadOnlyList<WeakLabel> Calibrate(IReadOnlyList<WeakLabel> weak, GoldLabels gold, out PlattMap map)
    {
        if (weak.Count > 0 && weak[0].Probabilities.Length != 2)
            throw new UserInputException("--gold-use", $"platt calibrates two-class weak labels; this task has {weak[0].Probabilities.Length} classes", "Use --gold-use mix or select.");
        map = PlattMap.Fit(gold.Positions.Select(p => PlattMap.Logit(weak[p].Probabilities)).ToList(), gold.Examples.Select(e => e.Label).ToList());
        var fitted = map;
        return weak.Select(l => new WeakLabel(l.Input, fitted.Apply(l.Probabilities))).ToList();
    }

    /// <summary>Checkpoint selection by accuracy on the gold labels.</summary>
    internal static Training.CheckpointSelection Selection(GoldLabels gold)
    {
        var inputs = gold.Examples.Select(e => e.Input).ToList();
        var truth = gold.Examples.Select(e => e.Label).ToList();
        return new Training.CheckpointSelection($"accuracy on {gold.Examples.Count} gold labels of B", m => Accuracy.Of(Training.Trainer.Predict(m, inputs), truth).Value);
    }
}

/// <summary>The gold examples of half B: their positions in <see cref="ExperimentSplit.BInputs"/> and their ground truth.</summary>
internal sealed record GoldLabels(IReadOnlyList<int> Positions, IReadOnlyList<Example> Examples);

/// <summary>
/// Platt scaling of a two-class supervisor: p(class 1) = σ(A·z + B) with z = ln(p₁/p₀) the supervisor's logit, A and B
/// fitted by maximum likelihood (Newton's method with step halving, and a tiny ridge so that separable gold labels give a
/// finite map).
/// </summary>
public sealed record PlattMap(double A, double B)
{
    private const double Ridge = 1e-6, Clamp = 1e-6;

    /// <summary>Names the fitting procedure in the student stage's cache key: a changed fit gives other labels.</summary>
    internal const string FitVersion = "newton-halving";

    public override string ToString() => FormattableString.Invariant($"σ({A:G3}·z {(B < 0 ? "−" : "+")} {Math.Abs(B):G3})");

    public static double Logit(float[] probabilities)
    {
        double p = Math.Clamp(probabilities[1], Clamp, 1 - Clamp), q = Math.Clamp(probabilities[0], Clamp, 1 - Clamp);
        return Math.Log(p / q);
    }

    public float[] Apply(float[] probabilities)
    {
        double p = 1 / (1 + Math.Exp(-(A * Logit(probabilities) + B)));
        return [(float)(1 - p), (float)p];
    }

    public static PlattMap Fit(IReadOnlyList<double> logits, IReadOnlyList<int> labels)
    {
        if (logits.Count == 0) throw new ArgumentException("Platt scaling needs at least one gold label");
        double a = 1, b = 0; // start at the identity map
        double loss = Objective(logits, labels, a, b);
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double ga = Ridge * a, gb = Ridge * b, haa = Ridge, hab = 0, hbb = Ridge;
            for (int i = 0; i < logits.Count; i++)
            {
                double z = logits[i], p = Sigmoid(a * z + b), r = p - labels[i], w = p * (1 - p);
                ga += r * z; gb += r;
                haa += w * z * z; hab += w * z; hbb += w;
            }
            double det = haa * hbb - hab * hab;
            if (det <= 0 || !double.IsFinite(det)) break;
            double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
            // A full Newton step can overshoot far out (labels that barely depend on the logit, an outlying logit) and
            // never come back; halve it until the objective does not increase.
            double step = 1;
            for (; step > 1e-12; step /= 2)
            {
                double next = Objective(logits, labels, a - step * da, b - step * db);
                if (next <= loss) { loss = next; break; }
            }
            if (step <= 1e-12) break;
            a -= step * da; b -= step * db;
            if (step * (Math.Abs(da) + Math.Abs(db)) < 1e-10) break;
        }
        return new PlattMap(a, b);
    }

    /// <summary>The fit's objective: the gold labels' negative log-likelihood plus the ridge.</summary>
    internal static double Objective(IReadOnlyList<double> logits, IReadOnlyList<int> labels, double a, double b)
    {
        double sum = Ridge / 2 * (a * a + b * b);
        for (int i = 0; i < logits.Count; i++)
        {
            double margin = a * logits[i] + b;
            sum += Softplus(labels[i] == 1 ? -margin : margin); // -log σ(m) = softplus(-m); -log(1 - σ(m)) = softplus(m)
        }
        return sum;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Softplus(double x) => x > 30 ? x : Math.Log(1 + Math.Exp(x));
}
