using System.Runtime.InteropServices;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// oneMKL's bf16 GEMM with a float32 result (cblas_gemm_bf16bf16f32), which libtorch_cpu.so links in and exports. On an
/// AMD CPU with AVX512-BF16 it ran the linear layers' shapes 5-30% faster than the oneDNN GEMM libtorch picks for bf16
/// (docs/performance.md), and its float32 result feeds the float32 residual stream and the float32 weight gradients
/// without a round trip through bf16.
/// </summary>
internal static unsafe class MklBf16Gemm
{
    // cblas_gemm_bf16bf16f32(layout, transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc): C = αAB + βC.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void GemmFunction(int layout, int transA, int transB, int m, int n, int k,
        float alpha, ref byte a, int lda, ref byte b, int ldb, float beta, ref byte c, int ldc);

    private const int RowMajor = 101, NoTranspose = 111, Transpose = 112;

    private static readonly GemmFunction? Gemm = Resolve();

    /// <summary>True when libtorch exports the GEMM (the Linux x64 builds with oneMKL).</summary>
    public static bool Available => Gemm is not null;

    /// <summary>
    /// Whether the bf16 linear layers and attention use this GEMM rather than libtorch's: where it was measured faster, on
    /// AMD CPUs once oneMKL runs its AVX-512 kernels there (<see cref="MklKernels"/>; W2S_MKL_TUNING turns both off).
    /// Elsewhere, Intel CPUs included, libtorch's bf16 path stays until measured; W2S_MKL_BF16 (any value) takes this path on
    /// any CPU with fast bf16 matmuls, to measure it there. W2S_LIBTORCH_BF16 (any value) keeps libtorch's path everywhere,
    /// e.g. to reproduce numbers measured with it: the two round differently.
    /// </summary>
    public static bool Preferred => PathOverride ??
        (Available && !LibTorchRequested && (MklKernels.Avx512OnAmd || (MklRequested && Bf16Support.HasFastMatmul)));

    /// <summary>
    /// Set: takes this path (true) or libtorch's (false) whatever the above says. The bench sets it to time both paths in
    /// one process; a cluster job, to the path its stage was planned with (<see cref="Bf16Kernels.Use"/>).
    /// </summary>
    internal static bool? PathOverride { get; set; }

    private static readonly bool LibTorchRequested = Environment.GetEnvironmentVariable("W2S_LIBTORCH_BF16") is not null;
    private static readonly bool MklRequested = Environment.GetEnvironmentVariable("W2S_MKL_BF16") is not null;

    /// <summary>c = op(a)·op(b) + beta·c, with op(x) = xᵀ where asked. a and b: contiguous 2-D bf16; c: contiguous 2-D float32.</summary>
    public static void Multiply(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, float beta = 0)
    {
        Check(a, ScalarType.BFloat16, nameof(a));
        Check(b, ScalarType.BFloat16, nameof(b));
        Check(c, ScalarType.Float32, nameof(c));
        long m = c.shape[0], n = c.shape[1], k = transposeA ? a.shape[0] : a.shape[1];
        if ((transposeA ? a.shape[1] : a.shape[0]) != m || (transposeB ? b.shape[1] : b.shape[0]) != k || (transposeB ? b.shape[0] : b.shape[1]) != n)
            throw new ArgumentException($"shapes [{string.Join(", ", a.shape)}]{(transposeA ? "ᵀ" : "")} · [{string.Join(", ", b.shape)}]{(transposeB ? "ᵀ" : "")} do not give [{m}, {n}]");
        if (m > int.MaxValue || n > int.MaxValue || k > int.MaxValue) throw new ArgumentException("matrix too large for a 32-bit GEMM");
        Call(transposeA, transposeB, (int)m, (int)n, (int)k, ref Start(a), (int)a.shape[1], ref Start(b), (int)b.shape[1], beta, ref Start(c), (int)n);
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
    }

    private static void Check(Tensor t, ScalarType dtype, string name)
    {
        if (t.dim() != 2 || t.dtype != dtype || !t.is_contiguous() || t.device_type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException($"{name} must be a contiguous 2-D {dtype} CPU tensor");
    }

    private static ref byte Start(Tensor t) => ref MemoryMarshal.GetReference(t.bytes);

    /// <summary>
    /// c = op(a)·op(b) for row-major matrices given by their first element and row stride (lda, ldb, ldc in elements):
    /// the form for blocks of a larger tensor, such as one head of a packed Q/K/V. a and b bf16 (as raw ushort), c float32.
    /// </summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, ushort* a, int lda, ushort* b, int ldb, float* c, int ldc) =>
        Call(transposeA, transposeB, m, n, k, ref *(byte*)a, lda, ref *(byte*)b, ldb, 0, ref *(byte*)c, ldc);

    private static void Call(bool transposeA, bool transposeB, int m, int n, int k, ref byte a, int lda, ref byte b, int ldb, float beta, ref byte c, int ldc)
    {
        var gemm = Gemm ?? throw new InvalidOperationException("this libtorch has no oneMKL bf16 GEMM");
        gemm(RowMajor, transposeA ? Transpose : NoTranspose, transposeB ? Transpose : NoTranspose, m, n, k, 1f, ref a, lda, ref b, ldb, beta, ref c, ldc);
    }

    private static GemmFunction? Resolve() => MklKernels.LibTorchExport("cblas_gemm_bf16bf16f32") is { } export
        ? Marshal.GetDelegateForFunctionPointer<GemmFunction>(export)
        : null;
}
