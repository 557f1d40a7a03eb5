using WeakToStrong.Models;

namespace WeakToStrong.Metrics;

/// <summary>
/// Lang et al.'s split of what a student gets right that its supervisor got wrong, on the test set. A "fix" is a test
/// example the weak model classifies wrongly and the student rightly. It counts as <b>correction</b> when most of its
/// <see cref="Neighbours"/> nearest examples of B (cosine similarity of a fixed representation) carry a right weak label:
/// the student could have learned the answer from correct labels nearby. Otherwise it counts as <b>expansion</b>: the
/// labels nearby were mostly wrong too, so the student generalised past them.
/// </summary>
public sealed record CorrectionExpansion(int Fixes, int Correction, int Expansion, int Neighbours)
{
    /// <summary>k of the k-nearest-neighbour rule; odd, so a majority always exists.</summary>
    public const int DefaultNeighbours = 5;

    /// <summary>Share of the fixes that count as correction (null without fixes).</summary>
    public double? CorrectionShare => Fixes > 0 ? (double)Correction / Fixes : null;

    /// <param name="fixes">Representation of each fixed test example.</param>
    /// <param name="b">Representation of each example of B (L2-normalised, so the dot product is the cosine).</param>
    /// <param name="weakRightOnB">Per example of B, whether the weak label was right.</param>
    public static CorrectionExpansion Of(IReadOnlyList<SparseRow> fixes, IReadOnlyList<SparseRow> b, IReadOnlyList<bool> weakRightOnB,
        int neighbours = DefaultNeighbours)
    {
        if (b.Count != weakRightOnB.Count) throw new ArgumentException($"{b.Count} examples of B, {weakRightOnB.Count} weak-label flags");
        if (b.Count == 0) throw new ArgumentException("no examples of B to find neighbours in");
        int k = Math.Min(neighbours, b.Count);
        // Inverted index of B: for each column, the rows that have it. A query then touches only rows sharing a term.
        var postings = new Dictionary<int, List<(int Row, float Value)>>();
        for (int row = 0; row < b.Count; row++)
            for (int j = 0; j < b[row].Columns.Length; j++)
            {
                if (!postings.TryGetValue(b[row].Columns[j], out var list)) postings[b[row].Columns[j]] = list = [];
                list.Add((row, b[row].Values[j]));
            }
        var similarity = new double[b.Count];
        int correction = 0;
        foreach (var query in fixes)
        {
            Array.Clear(similarity);
            for (int j = 0; j < query.Columns.Length; j++)
                if (postings.TryGetValue(query.Columns[j], out var list))
                    foreach (var (row, value) in list) similarity[row] += (double)query.Values[j] * value;
            int right = Nearest(similarity, k).Count(row => weakRightOnB[row]);
            if (2 * right > k) correction++;
        }
        return new CorrectionExpansion(fixes.Count, correction, fixes.Count - correction, k);
    }

    /// <summary>The k rows of highest similarity; ties go to the earlier row, so the choice is deterministic.</summary>
    internal static IEnumerable<int> Nearest(double[] similarity, int k) =>
        Enumerable.Range(0, similarity.Length).OrderByDescending(i => similarity[i]).ThenBy(i => i).Take(k);
}
