using System.Runtime.Intrinsics.X86;

namespace WeakToStrong.Models;

/// <summary>
/// Whether bf16 matmuls are fast here. libtorch sends bf16 matmuls to oneDNN only when the CPU reports AVX-512 BW/VL/DQ
/// (or AMX); otherwise it uses a scalar reference GEMM that ran ~15x slower than fp32 on a machine whose CPUID showed only
/// AVX2 (docs/performance.md). The same CPUID check here lets the CLI warn before a run that --bf16 would slow down.
/// </summary>
public static class Bf16Support
{
    public static bool HasFastMatmul => Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512BW.VL.IsSupported;

    public const string SlowWarning =
        "this CPU reports no AVX-512 (BW/VL/DQ), so libtorch runs bf16 matmuls on its slow reference path: --bf16 will be much slower than fp32 here";
}
