using WeakToStrong.Models;
using WeakToStrong.Data;
using WeakToStrong.Protocol;
using WeakToStrong.Sweeps;
using WeakToStrong.Tests.Data;
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

    private static StageSpec Ceiling(bool bf16) => StageSpec.Of(StageKind.Ceiling, "t", "d",
        new ExperimentConfig(Epochs: 2, BatchSize: 32, MicroBatchSize: 32, Bf16: bf16, GroupByLength: false, MinSteps: 0),
        ModelCatalog.Get("minilm-l2"), "xent", 1e-4);

    [Fact]
    public void ABf16StageNamesItsPathInItsKeyAndAFloat32StageNone()
    {
        var bf16 = Ceiling(bf16: true);
        Assert.Equal(Bf16Kernels.Current, bf16.Bf16Kernels);
        Assert.Contains($"\"bf16Kernels\":\"{Bf16Kernels.Current}\"", bf16.CanonicalJson());
        string other = Bf16Kernels.Current == Bf16Kernels.OneMkl ? Bf16Kernels.LibTorch : Bf16Kernels.OneMkl;
        Assert.NotEqual(bf16.Key, (bf16 with { Bf16Kernels = other }).Key);
        // Stored specs (cache entries, cluster manifests) keep the path.
        Assert.Equal(bf16.Key, WeakToStrong.Results.Json.Deserialize<StageSpec>(WeakToStrong.Results.Json.Serialize(bf16))!.Key);
        var fp32 = Ceiling(bf16: false);
        Assert.Null(fp32.Bf16Kernels);
        Assert.DoesNotContain("bf16Kernels", fp32.CanonicalJson());
    }

    [Fact]
    public void AJobTakesThePathItsStageWasPlannedWith()
    {
        try
        {
            Bf16Kernels.Use(Bf16Kernels.LibTorch, "stage");
            Assert.Equal(Bf16Kernels.LibTorch, Bf16Kernels.Current);
            Assert.Equal(Bf16Kernels.LibTorch, Ceiling(bf16: true).Bf16Kernels);
            if (MklBf16Gemm.Available && Bf16Support.HasFastMatmul)
            {
                Bf16Kernels.Use(Bf16Kernels.OneMkl, "stage");
                Assert.Equal(Bf16Kernels.OneMkl, Bf16Kernels.Current);
            }
            else Assert.Throws<UserInputException>(() => Bf16Kernels.Use(Bf16Kernels.OneMkl, "stage"));
            var unknown = Assert.Throws<UserInputException>(() => Bf16Kernels.Use("cuda", "student bow→minilm-l6 xent (seed 0)"));
            Assert.Contains("student bow→minilm-l6 xent (seed 0)", unknown.Message);
            Assert.Contains("'cuda'", unknown.Message);
        }
        finally { MklBf16Gemm.PathOverride = null; }
    }

    [Fact]
    public void AStageJobRunsOnThePathInItsSpec()
    {
        var rng = new Random(3);
        var all = Enumerable.Range(0, 120).Select(i => Example.Of($"{(i % 2 == 1 ? "sunny" : "rainy")} day {i} {rng.Next(50)}", null, i % 2)).ToList();
        var split = new ExperimentSplit(all[..40], all[40..80], all[80..], 2);
        var weak = Experiment.Plan(new ExperimentConfig("bow", "bow", "xent", Bf16: true), "toy", split.Fingerprint).Weak;
        string other = Bf16Kernels.Current == Bf16Kernels.OneMkl ? Bf16Kernels.LibTorch : Bf16Kernels.OneMkl;
        if (other == Bf16Kernels.OneMkl && !(MklBf16Gemm.Available && Bf16Support.HasFastMatmul)) other = Bf16Kernels.LibTorch;
        using var dir = new TempDir();
        try
        {
            StageTask.Run(weak with { Bf16Kernels = other }, split, new StageCache(Path.Combine(dir.Path, "cache")));
            Assert.Equal(other, Bf16Kernels.Current);
        }
        finally { MklBf16Gemm.PathOverride = null; }
    }
}
