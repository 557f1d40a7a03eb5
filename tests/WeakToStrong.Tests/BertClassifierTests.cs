using WeakToStrong.Data;
using WeakToStrong.Models;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

public class BertClassifierTests
{
    private static readonly ModelInput[] Inputs = BertEncoderTests.Inputs;

    [Fact]
    public void TruncatedLayerModelsRunAndCountParameters()
    {
        using var full = BertClassifier.MiniLM(layers: 6, classes: 2);
        // Embeddings 11,918,592 + 6 layers x 1,774,464 + head 384 x 2 (the ONNX pooler is not used).
        Assert.Equal(11_918_592 + 6 * 1_774_464 + 768, full.ParameterCount);

        using var small = BertClassifier.MiniLM(layers: 1, classes: 3, maxLength: 16);
        Assert.Equal(1, small.Encoder.Config.Layers);
        Assert.Equal(11_918_592 + 1_774_464 + 384 * 3, small.ParameterCount);

        var batch = Inputs.Select(small.Encode).ToList();
        Assert.Equal(4, small.TruncatedCount); // the three long texts and the pair (7 + 7 + 3 special) exceed 16
        Assert.All(batch, e => Assert.True(e.Ids.Length <= 16));

        using (no_grad())
        {
            using var logits = small.Logits(batch);
            Assert.Equal(new long[] { Inputs.Length, 3 }, logits.shape);
            Assert.Equal(0f, logits.abs().max().item<float>()); // zero-initialised head
            using var pooled = small.Embed(batch);
            Assert.Equal(new long[] { Inputs.Length, 384 }, pooled.shape);
            using var pooledFull = full.Embed(batch);
            // A 1-layer truncation is a different function, not the full model.
            Assert.True((pooled - pooledFull).abs().max().item<float>() > 1e-2);
        }

        small.FreezeBody();
        Assert.Equal(384 * 3, small.TrainableParameterCount);
    }

    [Fact]
    public void PaddingDoesNotChangeEmbeddings()
    {
        using var model = BertClassifier.MiniLM(layers: 2, classes: 2);
        var batch = Inputs.Select(model.Encode).ToList();
        using (no_grad())
        {
            using var together = model.Embed(batch);
            using var alone = model.Embed([batch[1]]);
            Assert.True((together[1] - alone[0]).abs().max().item<float>() < 1e-5);
        }
    }

    [Fact]
    public void GradientsReachHeadAndEncoderUnlessFrozen()
    {
        using var model = BertClassifier.MiniLM(layers: 1, classes: 2, maxLength: 32);
        var batch = new[] { "good food", "bad food, $5 too much" }.Select(t => model.Encode(ModelInput.Of(t))).ToList();
        using var target = tensor(new long[] { 1, 0 });

        // With the zero head only the head gets a gradient (dL/dpooled = W^T (p - y) = 0), as in the reference.
        nn.functional.cross_entropy(model.Logits(batch), target).backward();
        var head = model.named_parameters().Single(p => p.name == "head.weight").parameter;
        Assert.True(head.grad!.abs().sum().item<float>() > 0);
        Assert.All(model.Encoder.parameters(), p => Assert.True(p.grad is null || p.grad.abs().sum().item<float>() == 0));

        using (no_grad()) head.normal_();
        model.zero_grad();
        nn.functional.cross_entropy(model.Logits(batch), target).backward();
        Assert.Contains(model.Encoder.parameters(), p => p.grad is { } g && g.abs().sum().item<float>() > 0);

        model.zero_grad();
        model.FreezeBody();
        nn.functional.cross_entropy(model.Logits(batch), target).backward();
        Assert.All(model.Encoder.parameters(), p => Assert.True(p.grad is null || p.grad.abs().sum().item<float>() == 0));
    }
}
