namespace WeakToStrong.Training;

/// <summary>
/// Training batches of similar length, to cut padding: the shuffled order is cut into windows of
/// <see cref="WindowBatches"/> batches, each window is sorted by length and cut into batches, and all batches are shuffled.
/// Batches stay random (any example can meet any other of its window), and the batch count equals plain chunking's.
/// </summary>
internal static class LengthGroupedBatches
{
    public const int WindowBatches = 50;

    public static List<int[]> Of(int[] shuffled, Func<int, int> length, int batchSize, Random rng)
    {
        // OrderBy is a stable sort: equal lengths keep their shuffled order, so the result depends only on the seed.
        var batches = shuffled.Chunk(batchSize * WindowBatches).SelectMany(window => window.OrderBy(length).Chunk(batchSize)).ToArray();
        rng.Shuffle(batches);
        return [.. batches];
    }
}
