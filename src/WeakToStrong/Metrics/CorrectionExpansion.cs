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
    /// <param name="b">Examples of B to find neighbours in (L2-normalised rows, so the dot product is the cosine).</param>
    /// <param name="weakRightOnB">Per example of B, whether the weak label was right.</param>
    internal static CorrectionExpansion Of(IReadOnlyList<SparseRow> fixes, NeighbourIndex b, IReadOnlyList<bool> weakRightOnB,
        int neighbours = DefaultNeighbours)
    {
        if (b.Count != weakRightOnB.Count) throw new ArgumentException($"{b.Count} examples of B, {weakRightOnB.Count} weak-label flags");
        int k = Math.Min(neighbours, b.Count);
        int correction = fixes.Count(query => 2 * b.Nearest(query, k).Count(row => weakRightOnB[row]) > k);
        return new CorrectionExpansion(fixes.Count, correction, fixes.Count - correction, k);
    }

    internal static CorrectionExpansion Of(IReadOnlyList<SparseRow> fixes, IReadOnlyList<SparseRow> b, IReadOnlyList<bool> weakRightOnB,
        int neighbours = DefaultNeighbours) => Of(fixes, new NeighbourIndex(b), weakRightOnB, neighbours);
}

/// <summary>
/// Nearest rows by dot product (cosine for L2-normalised rows), by an inverted index: a query touches only the rows that
/// share one of its columns.
/// </summary>
internal sealed class NeighbourIndex
{
    private readonly Dictionary<int, List<(int Row, float Value)>> postings = new();

    public NeighbourIndex(IReadOnlyList<SparseRow> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("no rows to find neighbours in");
        Count = rows.Count;
        for (int row = 0; row < rows.Count; row++)
            for (int j = 0; j < rows[row].Columns.Length; j++)
            {
                if (!postings.TryGetValue(rows[row].Columns[j], out var list)) postings[rows[row].Columns[j]] = list = [];
                list.Add((row, rows[row].Values[j]));
            }
    }

    public int Count { get; }

    /// <summary>The k rows of highest similarity; ties go to the earlier row, so the choice is deterministic.</summary>
    public IEnumerable<int> Nearest(SparseRow query, int k)
    {
        var similarity = new double[Count];
        for (int j = 0; j < query.Columns.Length; j++)
            if (postings.TryGetValue(query.Columns[j], out var list))
                foreach (var (row, value) in list) similarity[row] += (double)query.Values[j] * value;
        return Enumerable.Range(0, Count).OrderByDescending(i => similarity[i]).ThenBy(i => i).Take(k).ToList();
    }
}
