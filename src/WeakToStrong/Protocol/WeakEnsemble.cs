using WeakToStrong.Data;
using WeakToStrong.Metrics;

namespace WeakToStrong.Protocol;

/// <summary>
/// A weak supervisor made of several weak models, each trained on half A as its own (cached, shared) weak stage and
/// combined by the mean of their class probabilities. Written as members joined by '+' (run also takes ','):
/// "bow+minilm-l1" is two different models; "bag5:bow" is five copies of bow, copy r trained on the r-th bootstrap
/// resample of A. Entries mix: "bag3:bow+minilm-l1".
/// </summary>
internal sealed record WeakEnsemble(IReadOnlyList<WeakEnsemble.Member> Members)
{
    /// <summary>One member: a model and its bootstrap resample of A (1, 2, ...; 0: A itself).</summary>
    public sealed record Member(string Model, int Resample);

    /// <summary>The largest bagging count: each copy is a full weak training.</summary>
    public const int MaxCopies = 100;

    /// <summary>Whether a --weak value names an ensemble rather than one model.</summary>
    public static bool IsEnsemble(string weak) => weak.Contains('+') || weak.Contains(',') || weak.StartsWith("bag", StringComparison.Ordinal) && weak.Contains(':');

    /// <summary>The canonical spelling: members joined by '+'.</summary>
    public static string Canonical(string weak) => string.Join("+", weak.Split([',', '+'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The ensemble a --weak value names, or null for a single model. Model names are checked later, by the catalog.</summary>
    public static WeakEnsemble? Parse(string weak, string option = "--weak")
    {
        if (!IsEnsemble(weak)) return null;
        var members = new List<Member>();
        foreach (var entry in weak.Split([',', '+'], StringSplitOptions.TrimEntries))
        {
            if (entry.Length == 0)
                throw new UserInputException(option, $"'{weak}' has an empty member", "Join models with '+' (or ',' for --weak), e.g. bow+minilm-l1 or bag5:bow.");
            if (!entry.StartsWith("bag", StringComparison.Ordinal) || !entry.Contains(':'))
            {
                members.Add(new Member(entry, 0));
                continue;
            }
            var (count, model) = (entry[3..entry.IndexOf(':')], entry[(entry.IndexOf(':') + 1)..]);
            if (!int.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k) || k < 2 || k > MaxCopies || model.Length == 0)
                throw new UserInputException(option, $"'{entry}' is not a bagged member", $"Write bagK:MODEL with 2 <= K <= {MaxCopies}, e.g. bag5:bow.");
            for (int r = 1; r <= k; r++) members.Add(new Member(model, r));
        }
        if (members.Count < 2)
            throw new UserInputException(option, $"'{weak}' names one model", "An ensemble needs two members or more; for one model give its name alone.");
        if (members.Distinct().Count() != members.Count)
            throw new UserInputException(option, $"'{weak}' names a member twice (it would train the same stage twice)", "Use bagK:MODEL for copies of one model.");
        return new WeakEnsemble(members);
    }

    /// <summary>The r-th bootstrap resample of <paramref name="a"/>: |A| draws with replacement, seeded by the experiment's seed and r.</summary>
    public static IReadOnlyList<T> Resample<T>(IReadOnlyList<T> a, int seed, int resample)
    {
        if (resample < 1) throw new ArgumentOutOfRangeException(nameof(resample), "resamples count from 1");
        var random = new SeededRandom(seed, $"bag-{resample}");
        return Enumerable.Range(0, a.Count).Select(_ => a[random.NextInt(a.Count)]).ToList();
    }

    /// <summary>The mean of the members' class probabilities, example by example.</summary>
    public static float[][] Mean(IReadOnlyList<float[][]> members)
    {
        if (members.Count == 0) throw new ArgumentException("an ensemble needs members");
        int n = members[0].Length;
        if (members.Any(m => m.Length != n)) throw new ArgumentException("members scored different numbers of examples");
        return Enumerable.Range(0, n).Select(i =>
        {
            var mean = new float[members[0][i].Length];
            foreach (var m in members)
                for (int c = 0; c < mean.Length; c++) mean[c] += m[i][c];
            for (int c = 0; c < mean.Length; c++) mean[c] /= members.Count;
            return mean;
        }).ToArray();
    }

    /// <summary>The ensemble stage: the mean of its members' test probabilities and of their labels on B, scored on test.</summary>
    internal static StageOutput Combine(StageSpec spec, IReadOnlyList<StageOutput> members, IReadOnlyList<Example> test)
    {
        var probabilities = Mean(members.Select(m => m.TestProbabilities).ToList());
        var labels = Mean(members.Select(m => m.Labels ?? throw new ArgumentException("an ensemble member gave no labels")).ToList());
        var truth = test.Select(e => e.Label).ToList();
        var accuracy = Accuracy.Of(probabilities, truth);
        var result = new ModelResult("weak", spec.Model, $"A (ground truth), {members.Count} members, mean probability", "xent", spec.LearningRate,
            accuracy.Value, accuracy.StandardError, Auroc.OfProbabilities(probabilities, truth), CalibrationError.Expected(probabilities, truth),
            members.Sum(m => m.Result.TrainExamples), members.Sum(m => m.Result.Steps), members.Sum(m => m.Result.TrainSeconds))
        {
            TopClassShare = Accuracy.TopClassShare(probabilities),
        };
        return new StageOutput(result, probabilities, labels, 0, 0);
    }
}

/// <summary>One member of a weak ensemble in a result: its test accuracy and the accuracy of its labels on B.</summary>
public sealed record EnsembleMemberResult(string Model, int Resample, double TestAccuracy, double LabelAccuracyOnB);
