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
}
