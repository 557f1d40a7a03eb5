using System.Runtime.Intrinsics.X86;

namespace WeakToStrong.Models;

/// <summary>
/// Whether bf16 matmuls are fast here. libtorch sends bf16 matmuls to oneDNN only when the CPU reports AVX-512 BW/VL/DQ
/// (or AMX); otherwise it uses a scalar reference GEMM that ran ~15x slower than fp32 on a machine whose CPUID showed only
/// AVX2 (docs/performance.md). Without native bf16 instructions (AVX512-BF16 or AMX-BF16) oneDNN converts in software,
/// so `--precision auto` picks bf16 only where the CPU has them.
/// </summary>
public static class Bf16Support
{
    public static bool HasFastMatmul => Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512BW.VL.IsSupported;

    /// <summary>The precision `auto` chooses: bf16 where the CPU does bf16 arithmetic natively and libtorch uses it.</summary>
    public static bool IsDefault => HasFastMatmul && HasNativeBf16.Value;

    // .NET has no CPUID query for AVX512-BF16; Linux lists it (and AMX) in /proc/cpuinfo. Elsewhere: float32.
    private static readonly Lazy<bool> HasNativeBf16 = new(() =>
    {
        try
        {
            if (!File.Exists("/proc/cpuinfo")) return false;
            var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return flags is not null && flags.Split(' ').Any(f => f is "avx512_bf16" or "amx_bf16");
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    });

    public const string SlowWarning =
        "this CPU reports no AVX-512 (BW/VL/DQ), so libtorch runs bf16 matmuls on its slow reference path: --precision bf16 will be much slower than fp32 here";
}
