namespace WeakToStrong.Data;

/// <summary>
/// A small deterministic PRNG (SplitMix64). We own the algorithm so that the same seed gives the same splits and
/// datasets on every .NET version; System.Random's seeded sequence is not a documented contract and HashCode is
/// randomised per process.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _state;

    public SeededRandom(long seed) => _state = (ulong)seed;

    /// <summary>An independent stream for one purpose ("test-split", "balance", ...), so changing one use of
    /// randomness does not shift the others.</summary>
    public SeededRandom(long seed, string stream) => _state = (ulong)seed ^ Fnv1a(stream);

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, maxExclusive), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong n = (ulong)maxExclusive;
        ulong limit = ulong.MaxValue - ulong.MaxValue % n;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return (int)(x % n);
    }

    /// <summary>Uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Fnv1a(string s)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in s) { h ^= c; h *= 0x100000001B3UL; }
        return h;
    }
}
