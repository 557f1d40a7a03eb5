using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// `bow`: L2-regularised logistic regression on TF-IDF weighted hashed words and bigrams, a weak supervisor with no
/// pretrained knowledge. For text pairs the features of each side are kept apart, and words shared by both sides (and
/// shared 4-letter stems) get features of their own, so the model can use surface overlap but nothing it has not seen in
/// training. With cross-entropy it is fitted to convergence by <see cref="LogisticRegression"/> (the protocol does this);
/// with other losses it trains by gradient steps like every other model.
/// </summary>
internal sealed partial class BagOfWordsClassifier : Classifier
{
    public const int Buckets = 1 << 18;
    private readonly EmbeddingBag weights;
    private readonly Parameter bias;
    // Inverse document frequency per bucket, fitted on the first inputs the model is prepared with (its training set).
    private float[]? idf;

    /// <param name="classes">Number of classes.</param>
    public BagOfWordsClassifier(int classes) : base("bow")
    {
        Classes = classes;
        weights = nn.EmbeddingBag(Buckets, classes, mode: EmbeddingBagMode.Sum);
        bias = nn.Parameter(zeros(classes));
        using (no_grad()) InPlace.Zero(weights.weight!);
        RegisterComponents();
    }

    public override int Classes { get; }

    /// <summary>Hashed feature ids, one per occurrence (repeats carry the term frequency).</summary>
    public override EncodedInput Encode(ModelInput input) => new(FeatureIds(input), []);

    /// <summary>The hashed feature ids of an input; they do not depend on the fitted model.</summary>
    internal static long[] FeatureIds(ModelInput input)
    {
        var features = new List<long>();
        var first = Words(input.Text);
        AddNgrams(features, first, input.TextPair is null ? "" : "a:");
        if (input.TextPair is not null)
        {
            var second = Words(input.TextPair);
            AddNgrams(features, second, "b:");
            var stems = new HashSet<string>(second.Select(Stem));
            foreach (var w in first.Distinct())
            {
                if (second.Contains(w)) features.Add(Hash("both:" + w));
                if (stems.Contains(Stem(w))) { features.Add(Hash("stem-shared")); features.Add(Hash("stem:" + Stem(w))); }
            }
        }
        if (features.Count == 0) features.Add(Hash("<empty>"));
        return features.ToArray();
    }

    /// <summary>Fits the IDF table on the first inputs seen (the training set); later calls (prediction) keep it.</summary>
    public override void Prepare(IReadOnlyList<EncodedInput> inputs)
    {
        if (idf is not null) return;
        var documentFrequency = new int[Buckets];
        foreach (var input in inputs)
            foreach (var id in input.Ids.Distinct())
                documentFrequency[id]++;
        // Smoothed (every term counts as seen in one extra document); terms never seen in training have no weight and
        // take no part in the normalisation, as with a vocabulary fitted on the training set.
        idf = documentFrequency.Select(df => df == 0 ? 0f : (float)(Math.Log((1.0 + inputs.Count) / (1.0 + df)) + 1)).ToArray();
    }

    /// <summary>The L2-normalised TF-IDF vector of one input: (bucket, value) pairs, sublinear term frequency.</summary>
    public SparseRow Features(EncodedInput input)
    {
        var counts = new SortedDictionary<long, int>();
        foreach (var id in input.Ids) counts[id] = counts.GetValueOrDefault(id) + 1;
        var columns = counts.Keys.Select(k => (int)k).ToArray();
        // Before Prepare has seen a training set every term weighs 1 (plain term frequency).
        var values = counts.Select(kv => (float)((1 + Math.Log(kv.Value)) * (idf?[kv.Key] ?? 1f))).ToArray();
        float norm = MathF.Sqrt(values.Sum(v => v * v));
        if (norm > 0) for (int i = 0; i < values.Length; i++) values[i] /= norm;
        return new SparseRow(columns, values);
    }

    public override Tensor Logits(IReadOnlyList<EncodedInput> batch)
    {
        var rows = batch.Select(Features).ToList();
        var offsets = new long[rows.Count];
        long total = 0;
        for (int i = 0; i < rows.Count; i++) { offsets[i] = total; total += rows[i].Columns.Length; }
        var ids = tensor(rows.SelectMany(r => r.Columns.Select(c => (long)c)).ToArray());
        var values = tensor(rows.SelectMany(r => r.Values).ToArray());
        return weights.forward(ids, tensor(offsets), values) + bias;
    }

    /// <summary>
    /// Fits the weights to the minimum of mean cross-entropy against <paramref name="targets"/> plus an L2 penalty whose
    /// strength is chosen by k-fold cross-validation on the same examples, and loads them into the model.
    /// </summary>
    public SolverReport Fit(IReadOnlyList<EncodedInput> inputs, IReadOnlyList<float[]> targets, int seed)
    {
        Prepare(inputs);
        var rows = inputs.Select(Features).ToList();
        var (fit, report) = LogisticRegression.FitWithCrossValidation(rows, targets, Classes, seed);
        using (no_grad())
        {
            var w = new float[Buckets * Classes];
            foreach (var (column, k) in fit.Columns.Select((c, k) => (c, k)))
                for (int c = 0; c < Classes; c++) w[column * Classes + c] = fit.Weights[k * Classes + c];
            InPlace.Copy(weights.weight!, tensor(w, [Buckets, Classes]));
            InPlace.Copy(bias, tensor(fit.Bias));
        }
        return report;
    }

    private static List<string> Words(string text) => WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToList();

    private static string Stem(string w) => w.Length > 4 ? w[..4] : w;

    private static void AddNgrams(List<long> features, List<string> words, string prefix)
    {
        for (int i = 0; i < words.Count; i++)
        {
            features.Add(Hash(prefix + words[i]));
            if (i + 1 < words.Count) features.Add(Hash(prefix + words[i] + " " + words[i + 1]));
        }
    }

    /// <summary>FNV-1a: stable across processes and platforms (string.GetHashCode is randomised per process).</summary>
    private static long Hash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) { h ^= c; h *= 16777619; }
        return h % Buckets;
    }

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordPattern();
}

/// <summary>A sparse feature vector: sorted column indices and their values.</summary>
internal sealed record SparseRow(int[] Columns, float[] Values);
