namespace WeakToStrong.Models;

/// <summary>
/// Which of the two bf16 paths runs the linear layers and the attention: oneMKL's bf16 GEMM with the fused attention, or
/// libtorch's ops (<see cref="MklBf16Gemm.Preferred"/>). The two round differently, so a bf16 stage names its path in its
/// cache key, and a cluster job runs the path its stage was planned with.
/// </summary>
internal static class Bf16Kernels
{
    public const string OneMkl = "onemkl", LibTorch = "libtorch";

    /// <summary>The path this process takes now.</summary>
    public static string Current => MklBf16Gemm.Preferred ? OneMkl : LibTorch;

    /// <summary>Makes this process take <paramref name="kernels"/> for <paramref name="stage"/>; an error where it cannot.</summary>
    public static void Use(string kernels, string stage)
    {
        if (kernels == Current) return;
        if (kernels is not (OneMkl or LibTorch))
            throw new UserInputException(stage, $"names bf16 kernels '{kernels}', which this version does not know",
                $"Give \"{OneMkl}\" or \"{LibTorch}\", or plan the sweep anew.");
        if (kernels == OneMkl && !(MklBf16Gemm.Available && Bf16Support.HasFastMatmul))
            throw new UserInputException(stage, "was planned to run bf16 on oneMKL's bf16 GEMM, which this machine cannot run fast " +
                                                "(it needs libtorch's oneMKL build and a CPU with AVX512-BF16)",
                "Run the sweep's jobs on nodes of the planning machine's CPU kind, or submit it anew with --precision fp32 " +
                "(or with W2S_LIBTORCH_BF16=1, libtorch's bf16 path, if every node has AVX512-BF16).");
        MklBf16Gemm.PathOverride = kernels == OneMkl;
    }
}
