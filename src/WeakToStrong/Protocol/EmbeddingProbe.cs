using WeakToStrong.Data;
using WeakToStrong.Models;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Protocol;

/// <summary>What the student does with a probe on its pretrained embeddings (<see cref="EmbeddingProbe"/>).</summary>
public enum ProbeUse
{
    /// <summary>Train on the probe's labels instead of the weak labels.</summary>
    Relabel,

    /// <summary>Train on the weak labels, less the <see cref="EmbeddingProbe.FilterShare"/> that disagree most with the probe.</summary>
    Filter,
}

/// <summary>
/// A k-nearest-neighbour probe on the strong student's own representation, before it is trained: the pooled embedding of its
/// pretrained body. An example's probe label is the mean weak label of its <see cref="Neighbours"/> nearest other examples
/// of B (cosine similarity), so a weak label its neighbourhood contradicts is corrected (relabel) or dropped (filter).
/// </summary>
internal static class EmbeddingProbe
{
    public const int Neighbours = 10;

    /// <summary>With <see cref="ProbeUse.Filter"/>, the share of weak labels dropped (rounded down).</summary>
    public const double FilterShare = 0.1;

    /// <summary>The probe's labels: per row, the mean of <paramref name="weak"/> over its k most similar other rows (ties: the earlier row).</summary>
    public static float[][] KnnLabels(IReadOnlyList<float[]> embeddings, IReadOnlyList<float[]> weak, int k = Neighbours)
    {
        if (embeddings.Count != weak.Count) throw new ArgumentException($"{embeddings.Count} embeddings, {weak.Count} weak labels");
        int n = embeddings.Count;
        k = Math.Min(k, n - 1);
        if (k < 1) throw new ArgumentException("a probe needs at least two examples");
        int width = embeddings[0].Length;
        var flat = new float[n * width];
        for (int i = 0; i < n; i++)
        {
            double norm = Math.Sqrt(embeddings[i].Sum(x => (double)x * x));
            for (int d = 0; d < width; d++) flat[i * width + d] = norm > 0 ? (float)(embeddings[i][d] / norm) : 0f;
        }
        var labels = new float[n][];
        using var scope = NewDisposeScope();
        var unit = tensor(flat, [n, width]);
        var transposed = unit.t();
        foreach (var rows in Enumerable.Range(0, n).Chunk(256))
        {
            // Cosine similarities of a block of rows to all rows; the k nearest kept by a linear scan (ties: the earlier row).
            var similarity = mm(unit[rows[0]..(rows[^1] + 1)], transposed).data<float>().ToArray();
            for (int r = 0; r < rows.Length; r++)
            {
                int i = rows[r];
                var best = new List<(float Similarity, int Row)>(k + 1);
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    float value = similarity[r * n + j];
                    if (best.Count == k && value <= best[^1].Similarity) continue;
                    int at = best.FindIndex(b => value > b.Similarity);
                    best.Insert(at < 0 ? best.Count : at, (value, j));
                    if (best.Count > k) best.RemoveAt(k);
                }
                var mean = new float[weak[i].Length];
                foreach (var (_, j) in best)
                    for (int c = 0; c < mean.Length; c++) mean[c] += weak[j][c] / best.Count;
                labels[i] = mean;
            }
        }
        return labels;
    }

    /// <summary>
    /// The positions kept by the filter: all but the ⌊share·n⌋ whose weak label is farthest (total variation distance)
    /// from the probe's label; ties drop the later position. Kept positions stay in order.
    /// </summary>
    public static IReadOnlyList<int> Kept(IReadOnlyList<float[]> weak, IReadOnlyList<float[]> probe, double share = FilterShare)
    {
        var distance = weak.Select((w, i) => 0.5 * w.Zip(probe[i], (a, b) => Math.Abs((double)a - b)).Sum()).ToArray();
        int drop = (int)Math.Floor(share * weak.Count);
        var dropped = Enumerable.Range(0, weak.Count).OrderByDescending(i => distance[i]).ThenByDescending(i => i).Take(drop).ToHashSet();
        return Enumerable.Range(0, weak.Count).Where(i => !dropped.Contains(i)).ToList();
    }

    /// <summary>The student's training labels after the probe.</summary>
    public static IReadOnlyList<WeakLabel> Apply(ProbeUse use, IReadOnlyList<WeakLabel> labels, IReadOnlyList<float[]> embeddings)
    {
        var weak = labels.Select(l => l.Probabilities).ToList();
        var probe = KnnLabels(embeddings, weak);
        return use == ProbeUse.Relabel
            ? labels.Select((l, i) => new WeakLabel(l.Input, probe[i])).ToList()
            : Kept(weak, probe).Select(i => labels[i]).ToList();
    }

    /// <summary>The pretrained student's pooled embeddings of the inputs (a fresh, seeded model, not trained).</summary>
    internal static float[][] Embeddings(ModelSpec spec, IReadOnlyList<ModelInput> inputs, int classes, int seed)
    {
        manual_seed(seed);
        using var model = spec.Create(classes);
        if (model is not PooledClassifier pooled)
            throw new UserInputException("--probe", $"needs a student with a pretrained body to embed its inputs; {spec.Name} has none", "Use a transformer student, e.g. --strong minilm-l2.");
        pooled.eval();
        var encoded = EncodingCache.Encode(pooled, inputs);
        var result = new float[inputs.Count][];
        using var _ = no_grad();
        foreach (var chunk in Enumerable.Range(0, inputs.Count).OrderBy(i => encoded[i].Ids.Length).Chunk(64))
        {
            using var scope = NewDisposeScope();
            var features = pooled.Embed(chunk.Select(i => encoded[i]).ToList()).to(float32);
            int width = (int)features.shape[1];
            var flat = features.data<float>().ToArray();
            for (int j = 0; j < chunk.Length; j++) result[chunk[j]] = flat.AsSpan(j * width, width).ToArray();
        }
        return result;
    }
}
