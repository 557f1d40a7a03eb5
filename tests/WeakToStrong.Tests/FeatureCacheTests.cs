using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Models;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

public sealed class FeatureCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("w2s-features-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "very", "not", "food", "."];

    private static BertClassifier Tiny(int seed)
    {
        manual_seed(seed);
        var encoder = new BertEncoder(MixedPrecisionTests.Tiny with { VocabSize = Vocab.Length });
        encoder.eval();
        return new BertClassifier(encoder, new WordPieceTokenizer(Vocab), classes: 2, maxLength: 16);
    }

    private static List<TrainingExample> Data()
    {
        string[] words = ["good", "bad", "very", "not", "food"];
        var rng = new Random(1);
        return Enumerable.Range(0, 40).Select(i =>
        {
            var text = string.Join(' ', Enumerable.Range(0, 1 + rng.Next(6)).Select(_ => words[rng.Next(words.Length)])) + " .";
            float y = text.Contains("good") ? 1 : 0;
            return new TrainingExample(ModelInput.Of(text), [1 - y, y]);
        }).ToList();
    }

    [Fact]
    public void RepeatedLinearProbeRunRecomputesNoFeaturesAndTrainsTheSameHead()
    {
        var data = Data();
        var config = new TrainConfig(LearningRate: 0.05, BatchSize: 8, MicroBatchSize: 8, Epochs: 2, LinearProbe: true);
        var inputs = data.Select(d => d.Input).ToList();

        float[][] Run(FeatureCache? cache)
        {
            using var model = Tiny(seed: 9);
            model.Features = cache;
            Trainer.Train(model, data, new SoftCrossEntropy(), config);
            return Trainer.Predict(model, inputs);
        }

        var uncached = Run(null);
        var cold = new FeatureCache(_dir);
        var first = Run(cold);
        Assert.True(cold.Misses > 0);
        long files = Directory.EnumerateFiles(_dir, "*.f32", SearchOption.AllDirectories).Count();
        Assert.Equal(data.Select(d => d.Input.Text).Distinct().Count(), files);

        var warm = new FeatureCache(_dir); // a new process' view: nothing in memory, everything on disk
        var second = Run(warm);
        Assert.Equal(0, warm.Misses);
        Assert.True(warm.Hits >= data.Count);

        for (int i = 0; i < inputs.Count; i++)
        {
            Assert.InRange(Math.Abs(uncached[i][1] - first[i][1]), 0, 1e-4); // batch composition changes float rounding only
            Assert.InRange(Math.Abs(first[i][1] - second[i][1]), 0, 1e-5);
        }
    }

    [Fact]
    public void DifferentWeightsOrPrecisionDoNotShareFeatures()
    {
        using var a = Tiny(seed: 1);
        using var b = Tiny(seed: 2);
        using var c = Tiny(seed: 1);
        c.Precision = ComputePrecision.BFloat16;
        Assert.NotEqual(a.ModelKey, b.ModelKey);
        Assert.NotEqual(a.ModelKey, c.ModelKey);
        using var a2 = Tiny(seed: 1);
        Assert.Equal(a.ModelKey, a2.ModelKey);
    }

    [Fact]
    public void CorruptEntryIsAMiss()
    {
        var cache = new FeatureCache(_dir);
        var input = new EncodedInput([2, 5, 3], [0, 0, 0]);
        cache.Put("m", input, [1f, 2f, 3f]);
        var file = Directory.EnumerateFiles(_dir, "*.f32", SearchOption.AllDirectories).Single();
        File.WriteAllBytes(file, [1, 2, 3]);
        Assert.False(new FeatureCache(_dir).TryGet("m", input, out _));
        Assert.True(cache.TryGet("m", input, out var inMemory)); // this process still has it
        Assert.Equal([1f, 2f, 3f], inMemory);
    }
}
