using System.Runtime.InteropServices;

namespace WeakToStrong.Training;

/// <summary>
/// Keeps freed tensor memory in the process heap. libtorch's CPU allocator calls malloc/free for every intermediate;
/// glibc serves blocks of more than 128 KB-32 MB (its adaptive threshold) with fresh mmap calls and returns them on free,
/// so each step page-faults and zeroes its activations again. With the thresholds raised, blocks are reused.
/// Measured on minilm-l6 inference (batch 32 × 128, 1 thread): about 5% more tokens/s. A no-op off glibc.
/// </summary>
internal static class HeapTuning
{
    private const int MTrimThreshold = -1, MMmapThreshold = -3;

    // glibc's upper limit for the mmap threshold on 64-bit systems (4 × 1024 × 1024 × sizeof(long)).
    private const int MaxMmapThreshold = 32 * 1024 * 1024;

    private static bool _applied;

    public static void Apply()
    {
        if (_applied || !OperatingSystem.IsLinux()) return;
        _applied = true;
        try
        {
            mallopt(MMmapThreshold, MaxMmapThreshold);
            mallopt(MTrimThreshold, 1 << 30);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (e.g. musl): keep its defaults.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
