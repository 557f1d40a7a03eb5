using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace WeakToStrong.Bench;

/// <summary>
/// The CPU's float32 arithmetic ceiling as this process sees it: fused multiply-adds on the widest vectors the CPU has,
/// twelve independent chains per thread (more than FMA latency × FMA ports on current x86 cores), one such loop on each
/// thread at once. A GEMM cannot run faster than this; the matmul rates are compared with it so that a slow kernel and a
/// slow (or shared, or throttled) core can be told apart. bf16 dot products (VDPBF16PS) have no .NET intrinsic, so their
/// ceiling is not measured here.
/// </summary>
internal static class ArithmeticPeak
{
    /// <summary>GFLOP/s of float32 FMAs on <paramref name="threads"/> threads; the best of three windows (~0.3 s each at 3 GHz).</summary>
    public static double Fp32Fma(int threads)
    {
        if (!Fma.IsSupported) return 0;
        const long iterations = 150_000_000;
        Chains(10_000); // compiled and warm before timing
        int lanes = Avx512F.IsSupported ? Vector512<float>.Count : Vector256<float>.Count;
        double best = 0;
        for (int window = 0; window < 3; window++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Chains(iterations));
            double flops = 2.0 * lanes * 12 * iterations * threads;
            best = Math.Max(best, flops / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains(long iterations) => Avx512F.IsSupported ? Chains512(iterations) : Chains256(iterations);

    // Each accumulator starts at a different value so that no compiler can merge the chains. One copy per vector width:
    // .NET's generic vector interface is not public, and Vector512 emulated on an AVX2-only CPU runs well below its FMA
    // rate (with AVX-512 turned off in the JIT: 69-90 GFLOP/s on one thread, against 107 for Vector256).
    private static float Chains512(long iterations)
    {
        Vector512<float> a0 = Vector512.Create(1f), a1 = Vector512.Create(2f), a2 = Vector512.Create(3f), a3 = Vector512.Create(4f),
            a4 = Vector512.Create(5f), a5 = Vector512.Create(6f), a6 = Vector512.Create(7f), a7 = Vector512.Create(8f),
            a8 = Vector512.Create(9f), a9 = Vector512.Create(10f), a10 = Vector512.Create(11f), a11 = Vector512.Create(12f);
        var m = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-7f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c); a2 = Avx512F.FusedMultiplyAdd(a2, m, c);
            a3 = Avx512F.FusedMultiplyAdd(a3, m, c); a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c); a8 = Avx512F.FusedMultiplyAdd(a8, m, c);
            a9 = Avx512F.FusedMultiplyAdd(a9, m, c); a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    private static float Chains256(long iterations)
    {
        Vector256<float> a0 = Vector256.Create(1f), a1 = Vector256.Create(2f), a2 = Vector256.Create(3f), a3 = Vector256.Create(4f),
            a4 = Vector256.Create(5f), a5 = Vector256.Create(6f), a6 = Vector256.Create(7f), a7 = Vector256.Create(8f),
            a8 = Vector256.Create(9f), a9 = Vector256.Create(10f), a10 = Vector256.Create(11f), a11 = Vector256.Create(12f);
        var m = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-7f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c); a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c); a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c); a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c); a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
