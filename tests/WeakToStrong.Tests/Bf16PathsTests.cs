using WeakToStrong.Models;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

/// <summary>Runs only where both bf16 paths can run: oneMKL's GEMM exported and a CPU with fast bf16 matmuls (AVX-512).</summary>
internal sealed class BothBf16PathsFactAttribute : FactAttribute
{
    public BothBf16PathsFactAttribute()
    {
        if (!MklBf16Gemm.Available || !Bf16Support.HasFastMatmul)
            Skip = "needs oneMKL's bf16 GEMM in libtorch and a CPU with fast bf16 matmuls (AVX512-BF16)";
    }
}

// The path switch is process-wide: no other test may build a bf16 model meanwhile.
[CollectionDefinition(nameof(Bf16PathsTests), DisableParallelization = true)]
public sealed class Bf16PathsCollection;

[Collection(nameof(Bf16PathsTests))]
public class Bf16PathsTests
{
    private static (Tensor Output, Dictionary<string, Tensor> Gradients) Run(bool onMkl)
    {
        MklBf16Gemm.PathOverride = onMkl;
        try
        {
            Assert.Equal(onMkl, MklBf16Gemm.Preferred);
            manual_seed(1);
            using var encoder = new BertEncoder(MixedPrecisionTests.Tiny) { Precision = ComputePrecision.BFloat16 };
            var g = new Generator(7);
            var ids = randint(5, 50, [3, 10], generator: g);
            var mask = ones(3, 10, dtype: int64);
            mask[1, TensorIndex.Slice(6)] = 0;
            var probe = randn([3, 10, MixedPrecisionTests.Tiny.Hidden], generator: new Generator(3));
            var output = encoder.forward(ids, zeros_like(ids), mask);
            (output * probe).sum().backward();
            return (output.detach().clone(), encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone()));
        }
        finally { MklBf16Gemm.PathOverride = null; }
    }

    [BothBf16PathsFact]
    public void OneMklsPathAndLibTorchsComputeTheSameEncoderWithinBf16Rounding()
    {
        var mkl = Run(onMkl: true);
        var libtorch = Run(onMkl: false);
        // Two different computations ran (the switch took effect) ...
        Assert.False(mkl.Output.equal(libtorch.Output).all().item<bool>(), "both runs gave the same bits: the path switch did nothing");
        // ... of the same function: LayerNormed outputs are O(1), bf16 keeps 8 mantissa bits.
        double outputDiff = (mkl.Output - libtorch.Output).abs().max().item<float>();
        Assert.True(outputDiff < 0.03, $"max |Δ output| = {outputDiff}");
        foreach (var (name, a) in mkl.Gradients.Where(g => g.Key.StartsWith("layers.")))
        {
            var b = libtorch.Gradients[name];
            double relative = ((a - b).norm() / a.norm()).item<float>();
            Assert.True(relative < 0.02, $"{name}: |g_oneMKL − g_libtorch| / |g_oneMKL| = {relative}");
        }
    }
}
