using WeakToStrong.Models;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

public class MixedPrecisionTests
{
    internal static BertConfig Tiny { get; } = new(VocabSize: 50, Hidden: 32, Layers: 2, Heads: 4, Intermediate: 64, MaxPositions: 16);

    private static (Tensor Ids, Tensor Types, Tensor Mask) Batch()
    {
        var g = new Generator(7);
        var ids = randint(5, 50, [3, 10], generator: g);
        var mask = ones(3, 10, dtype: int64);
        mask[1, TensorIndex.Slice(6)] = 0; // one padded row
        return (ids, zeros_like(ids), mask);
    }

    [Fact]
    public void Bf16ForwardIsCloseToFloat32()
    {
        manual_seed(1);
        using var encoder = new BertEncoder(Tiny);
        var (ids, types, mask) = Batch();
        using var _ = no_grad();
        var fp32 = encoder.forward(ids, types, mask);
        encoder.Precision = ComputePrecision.BFloat16;
        var bf16 = encoder.forward(ids, types, mask);
        Assert.Equal(ScalarType.Float32, bf16.dtype); // LayerNorm output stays float32
        double diff = (fp32 - bf16).abs().max().item<float>();
        // bf16 keeps 8 mantissa bits (relative error ~4e-3 per op); LayerNormed outputs are O(1).
        Assert.InRange(diff, 1e-6, 0.1);
        Assert.True(encoder.parameters().All(p => p.dtype == ScalarType.Float32), "master weights stay float32");
    }

    [Fact]
    public void Bf16GradientsReachFloat32Weights()
    {
        var grads = new Dictionary<ComputePrecision, Tensor>();
        foreach (var precision in new[] { ComputePrecision.Float32, ComputePrecision.BFloat16 })
        {
            manual_seed(1);
            using var encoder = new BertEncoder(Tiny) { Precision = precision };
            var (ids, types, mask) = Batch();
            // A fixed random projection (a squared norm would be ~constant after LayerNorm and leave only noise).
            var probe = randn([3, 10, Tiny.Hidden], generator: new Generator(3));
            (encoder.forward(ids, types, mask) * probe).sum().backward();
            var weight = encoder.named_parameters().First(p => p.name.EndsWith("qkv.weight")).parameter;
            Assert.NotNull(weight.grad);
            Assert.Equal(ScalarType.Float32, weight.grad!.dtype);
            grads[precision] = weight.grad.detach().clone().flatten();
        }
        var a = grads[ComputePrecision.Float32];
        var b = grads[ComputePrecision.BFloat16];
        Assert.True(b.abs().sum().item<float>() > 0);
        double cosine = (a.dot(b) / (a.norm() * b.norm())).item<float>();
        Assert.True(cosine > 0.98, $"cosine(fp32 grad, bf16 grad) = {cosine}");
    }

    private static Dictionary<string, Tensor> Gradients(BertEncoder encoder, int microBatches)
    {
        var (ids, types, mask) = Batch();
        var probe = randn([3, 10, Tiny.Hidden], generator: new Generator(3));
        // The same batch as several backward passes, as the trainer's micro-batches are (each pass adds to .grad).
        for (int i = 0; i < microBatches; i++) ((encoder.forward(ids, types, mask) * probe).sum() / microBatches).backward();
        return encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone());
    }

    [Fact]
    public void CachedBf16CastsGiveTheGradientsOfFreshCastsAcrossMicroBatches()
    {
        manual_seed(1);
        using var encoder = new BertEncoder(Tiny) { Precision = ComputePrecision.BFloat16 };
        var fresh = Gradients(encoder, microBatches: 2);
        encoder.zero_grad();
        using (encoder.Casts!.BeginCaching())
        {
            var cached = Gradients(encoder, microBatches: 2);
            foreach (var (name, grad) in fresh)
                Assert.True(grad.allclose(cached[name], rtol: 0, atol: 0), $"{name}: cached casts changed the gradient");
        }
    }

    [Fact]
    public void Bf16GradientsOfEveryWeightMatchFloat32WithinBf16Tolerance()
    {
        manual_seed(1);
        using var fp32 = new BertEncoder(Tiny);
        var reference = Gradients(fp32, microBatches: 1);
        manual_seed(1);
        using var bf16 = new BertEncoder(Tiny) { Precision = ComputePrecision.BFloat16 };
        using var caching = bf16.Casts!.BeginCaching();
        var low = Gradients(bf16, microBatches: 2);
        foreach (var (name, a) in reference.Where(g => g.Key.StartsWith("layers.")))
        {
            var b = low[name];
            Assert.Equal(ScalarType.Float32, b.dtype);
            double relative = ((a - b).norm() / a.norm()).item<float>();
            Assert.True(relative < 0.05, $"{name}: |g_bf16 - g_fp32| / |g_fp32| = {relative}");
        }
    }

    [Fact]
    public void CachedCastsAreReusedUntilInvalidated()
    {
        manual_seed(1);
        using var encoder = new BertEncoder(Tiny) { Precision = ComputePrecision.BFloat16 };
        var (ids, types, mask) = Batch();
        using var _ = no_grad();
        using var caching = encoder.Casts!.BeginCaching();
        var before = encoder.forward(ids, types, mask);
        // Only the layers' Linear weights are cast (embeddings and LayerNorms stay float32; a bias is cast where the
        // layer runs on libtorch's bf16 linear, and added in float32 on oneMKL's GEMM).
        foreach (var (name, p) in encoder.named_parameters())
            if (name.StartsWith("layers.") && !name.Contains("norm") && name.EndsWith(".weight")) p.mul_(1.5);
        Assert.True(before.allclose(encoder.forward(ids, types, mask), rtol: 0, atol: 0), "the stale casts were not reused");
        encoder.Casts.Invalidate();
        var after = encoder.forward(ids, types, mask);
        Assert.False(before.allclose(after, rtol: 0, atol: 0));
        caching.Dispose();
        Assert.True(after.allclose(encoder.forward(ids, types, mask), rtol: 0, atol: 0), "a fresh cast equals the cached cast of the same weights");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SpelledOutAttentionEqualsTheFusedKernelInFloat32(bool causal)
    {
        var g = new Generator(5);
        var q = randn([3, 4, 10, 8], generator: g);
        var k = randn([3, 4, 10, 8], generator: g);
        var v = randn([3, 4, 10, 8], generator: g);
        var keep = ones([3, 1, 1, 10], dtype: ScalarType.Bool);
        keep[1, 0, 0, TensorIndex.Slice(6)] = false;
        var fused = causal
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true)
            : nn.functional.scaled_dot_product_attention(q, k, v, keep);
        var spelled = causal ? LowPrecisionAttention.Of(q, k, v, causal: true) : LowPrecisionAttention.Of(q, k, v, keep);
        Assert.True((fused - spelled).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void PredictCanRunAFloat32ModelInBf16ForOnePass()
    {
        manual_seed(1);
        using var model = BertClassifier.MiniLM(1, 2);
        // A non-zero head, so the probabilities depend on the body (the pretrained head starts at zero).
        using (no_grad()) foreach (var (name, p) in model.named_parameters()) if (name.StartsWith("head")) p.copy_(randn(p.shape) * 0.5);
        var inputs = new[] { "a small dog barks", "the theory of numbers", "rain on the window", "hello" }
            .Select(t => WeakToStrong.Data.ModelInput.Of(t)).ToList();
        var fp32 = WeakToStrong.Training.Trainer.Predict(model, inputs);
        var bf16 = WeakToStrong.Training.Trainer.Predict(model, inputs, precision: ComputePrecision.BFloat16);
        Assert.Equal(ComputePrecision.Float32, model.Precision); // restored after the pass
        var again = WeakToStrong.Training.Trainer.Predict(model, inputs);
        double bf16Diff = fp32.Zip(bf16).Max(p => Math.Abs(p.First[1] - p.Second[1]));
        Assert.InRange(bf16Diff, 1e-7, 0.05);
        Assert.Equal(fp32.Select(p => p[1]), again.Select(p => p[1])); // float32 results untouched
    }

    [Fact]
    public void Gpt2Bf16ForwardAndGradientsAreCloseToFloat32()
    {
        var config = new Gpt2Config(VocabSize: 50, Embedding: 32, Layers: 2, Heads: 4, Positions: 16);
        var ids = randint(0, 50, [3, 10], generator: new Generator(7));
        var probe = randn([3, 10, 32], generator: new Generator(3));
        var outputs = new List<Tensor>();
        var grads = new List<Tensor>();
        foreach (var precision in new[] { ComputePrecision.Float32, ComputePrecision.BFloat16 })
        {
            manual_seed(1);
            using var model = new Gpt2Model(config) { Precision = precision };
            using var caching = model.Casts?.BeginCaching();
            var y = model.forward(ids);
            (y * probe).sum().backward();
            outputs.Add(y.detach().clone());
            grads.Add(model.named_parameters().First(p => p.name.EndsWith("c_attn.weight")).parameter.grad!.clone().flatten());
        }
        Assert.InRange((outputs[0] - outputs[1]).abs().max().item<float>(), 1e-6, 0.1);
        double relative = ((grads[0] - grads[1]).norm() / grads[0].norm()).item<float>();
        Assert.True(relative < 0.05, $"|g_bf16 - g_fp32| / |g_fp32| = {relative}");
    }
}
