using WeakToStrong.Data;
using WeakToStrong.Models;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

public class GenerativeFinetuningTests
{
    [Fact]
    public void CorruptionSkipsSpecialTokensAndFollowsTheBertRecipe()
    {
        var tokenizer = PretrainedEncoders.Tokenizer(PretrainedEncoder.MiniLM);
        var texts = Enumerable.Range(0, 200).Select(i => tokenizer.Encode($"the quick brown fox number {i} jumps over the lazy dog").ToEncodedInput()).ToList();
        var (ids, _, _) = BertClassifier.Pad(texts, tokenizer.PadId);
        var original = ids.data<long>().ToArray();
        var (inputs, positions, targets) = GenerativeFinetuning.Corrupt(ids, tokenizer, new Random(7), 0.15);
        var corrupted = inputs.data<long>().ToArray();

        int candidates = original.Count(id => id != tokenizer.PadId && id != tokenizer.ClsId && id != tokenizer.SepId);
        Assert.InRange(positions.Length, (int)(candidates * 0.12), (int)(candidates * 0.18));
        Assert.All(positions, p => Assert.True(original[p] != tokenizer.ClsId && original[p] != tokenizer.SepId && original[p] != tokenizer.PadId));
        Assert.Equal(positions.Select(p => original[p]), targets);
        double masked = positions.Count(p => corrupted[p] == tokenizer.MaskId) / (double)positions.Length;
        Assert.InRange(masked, 0.72, 0.88);
        // Positions not chosen are untouched.
        var chosen = positions.ToHashSet();
        Assert.All(Enumerable.Range(0, original.Length).Where(i => !chosen.Contains(i)), i => Assert.Equal(original[i], corrupted[i]));
        // Seeded: the same generator state gives the same corruption.
        var again = GenerativeFinetuning.Corrupt(ids, tokenizer, new Random(7), 0.15);
        Assert.Equal(positions, again.Positions);
    }

    [Fact]
    public void MaskedLmFinetuningChangesTheEncoderAndKeepsTheHeadUntouched()
    {
        using var model = BertClassifier.MiniLM(1, 2);
        var before = model.Encoder.WordEmbeddings.detach().clone();
        var texts = Enumerable.Range(0, 16).Select(i => ModelInput.Of($"a sentence about item {i} and its colour")).ToList();
        var summary = GenerativeFinetuning.Run(model, texts, new GenerativeConfig(BatchSize: 8, LearningRate: 1e-4));
        Assert.Equal(2, summary.Steps);
        Assert.True(double.IsFinite(summary.FinalLoss) && summary.FinalLoss > 0);
        Assert.True((model.Encoder.WordEmbeddings - before).abs().max().item<float>() > 0);
        Assert.Equal(0f, model.Logits([model.Encode(texts[0])]).abs().sum().item<float>()); // zero-initialised head unchanged
    }
}
