using WeakToStrong.Models;

namespace WeakToStrong.Metrics;

/// <summary>
/// Lang et al.'s split of what a student gets right that its supervisor got wrong, on the test set. A "fix" is a test
/// example the weak model classifies wrongly and the student rightly. Its neighbours are the (up to)
/// <see cref="Neighbours"/> examples of B most similar to it (cosine similarity of a fixed representation), among those
/// that share a feature with it. The fix counts as <b>correction</b> when most of its neighbours carry a right weak label:
/// the student could have learned the answer from correct labels nearby; otherwise as <b>expansion</b>: the labels nearby
/// were mostly wrong too, so the student generalised past them. A fix that shares no feature with any example of B
/// (every similarity 0, e.g. a word that occurs nowhere in B) has no neighbours and is counted <b>isolated</b>: neither.
/// </summary>
public sealed record CorrectionExpansion(int Fixes, int Correction, int Expansion, int Neighbours)
{
    /// <summary>Fixes with no neighbour in B (no shared feature): neither correction nor expansion.</summary>
    public int Isolated => Fixes - Correction - Expansion;

    /// <summary>k of the k-nearest-neighbour rule; odd, so k neighbours always have a majority (a tie among fewer is expansion).</summary>
    public const int DefaultNeighbours = 5;

    /// <summary>Share of the fixes with neighbours that count as correction (null without such fixes).</summary>
    public double? CorrectionShare => Correction + Expansion > 0 ? (double)Correction / (Correction + Expansion) : null;

    /// <param name="fixes">Representation of each fixed test example.</param>
    /// <param name="b">Examples of B to find neighbours in (L2-normalised rows, so the dot product is the cosine).</param>
    /// <param name="weakRightOnB">Per example of B, whether the weak label was right.</param>
    internal static CorrectionExpansion Of(IReadOnlyList<SparseRow> fixes, NeighbourIndex b, IReadOnlyList<bool> weakRightOnB,
        int neighbours = DefaultNeighbours)
    {
        if (b.Count != weakRightOnB.Count) throw new ArgumentException($"{b.Count} examples of B, {weakRightOnB.Count} weak-label flags");
        int k = Math.Min(neighbours, b.Count);
        int correction = 0, expansion = 0;
        foreach (var query in fixes)
        {
            var nearest = b.Nearest(query, k);
            if (nearest.Count == 0) continue; // isolated
            if (2 * nearest.Count(row => weakRightOnB[row]) > nearest.Count) correction++; else expansion++;
        }
        return new CorrectionExpansion(fixes.Count, correction, expansion, k);
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

    /// <summary>
    /// Up to k rows of highest similarity among those sharing a column with the query (fewer, or none, when fewer
    /// share one); ties go to the earlier row, so the choice is deterministic.
    /// </summary>
    public IReadOnlyList<int> Nearest(SparseRow query, int k)
    {
        var similarity = new Dictionary<int, double>();
        for (int j = 0; j < query.Columns.Length; j++)
            if (postings.TryGetValue(query.Columns[j], out var list))
                foreach (var (row, value) in list) similarity[row] = similarity.GetValueOrDefault(row) + (double)query.Values[j] * value;
        return similarity.Where(s => s.Value > 0).OrderByDescending(s => s.Value).ThenBy(s => s.Key).Take(k).Select(s => s.Key).ToList();
    }
}
