using System.Runtime.Intrinsics.X86;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

public class MklKernelsTests
{
    [Fact]
    public void Float32MatmulsAgreeWithADoublePrecisionProductWhicheverKernelsRun()
    {
        TorchRuntime.Initialize(threads: 1);
        Assert.NotEqual("not tried", MklKernels.Status);
        // On an AMD CPU with AVX-512 the AVX-512 kernels are on, unless another test of this process ran a matmul first.
        if (X86Base.IsSupported && Avx512F.IsSupported && Environment.GetEnvironmentVariable("W2S_MKL_TUNING") is null && MklKernels.Vendor() == "AuthenticAMD")
            Assert.True(MklKernels.Status.StartsWith("avx512") || MklKernels.Status.Contains("ran before"), MklKernels.Status);

        // Odd sizes reach the kernels' edge handling as well as their main loops.
        using var generator = new TorchSharp.torch.Generator(7);
        using var a = randn([67, 301], generator: generator);
        using var b = randn([301, 53], generator: generator);
        using var product = matmul(a, b);
        using var reference = matmul(a.to(ScalarType.Float64), b.to(ScalarType.Float64));
        double worst = (product.to(ScalarType.Float64) - reference).abs().max().item<double>();
        Assert.True(worst < 1e-3, $"float32 matmul off by {worst} against float64");
        Assert.True(worst > 0, "float32 and float64 products were identical: the comparison did not compare");
    }
}
