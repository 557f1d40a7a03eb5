using WeakToStrong.Data;
using WeakToStrong.Data.Images;
using WeakToStrong.Losses;
using WeakToStrong.Metrics;
using WeakToStrong.Models.Vision;
using WeakToStrong.Training;

namespace WeakToStrong.Tests.Vision;

/// <summary>Our preprocessing and the ONNX ResNet18: deterministic features, and features a linear probe can use.</summary>
public class ResNet18FeatureTests
{
    /// <summary>A 28x28 image: a bright horizontal or vertical bar at an offset, on a dark background with a little noise.</summary>
    private static GreyImage Bar(bool vertical, int offset, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[28 * 28];
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                int along = vertical ? x : y;
                pixels[y * 28 + x] = (byte)(along >= offset && along < offset + 6 ? 200 + rng.Next(55) : rng.Next(30));
            }
        return new GreyImage(28, 28, pixels);
    }

    [Fact]
    public void Upsample_KeepsConstantsAndInterpolatesBetweenPixelCentres()
    {
        var flat = ResNet18Features.Upsample(new GreyImage(28, 28, Enumerable.Repeat((byte)77, 784).ToArray()));
        Assert.Equal(3 * 224 * 224, flat.Length);
        Assert.All(flat, v => Assert.Equal(77f, v));

        // Left half 0, right half 255: a ramp only around the boundary, the same in all three channels.
        var halves = new GreyImage(28, 28, Enumerable.Range(0, 784).Select(i => (byte)(i % 28 < 14 ? 0 : 255)).ToArray());
        var up = ResNet18Features.Upsample(halves);
        Assert.Equal(0f, up[10 * 224 + 100]);
        Assert.Equal(255f, up[10 * 224 + 124]);
        float middle = up[10 * 224 + 112]; // just right of the boundary: between the two pixel centres
        Assert.InRange(middle, 1f, 254f);
        Assert.Equal(middle, up[224 * 224 + 10 * 224 + 112]);
        Assert.Equal(middle, up[2 * 224 * 224 + 10 * 224 + 112]);
    }

    [Fact]
    public void Features_AreDeterministicAcrossCallsAndSessions()
    {
        var image = Bar(vertical: true, offset: 9, seed: 1);
        var shared = ResNet18Features.Shared.Embed(image);
        Assert.Equal(ResNet18Features.Width, shared.Length);
        Assert.All(shared, v => Assert.True(float.IsFinite(v) && v >= 0)); // pooled ReLU outputs
        Assert.True(shared.Max() > 0);
        Assert.Equal(shared, ResNet18Features.Shared.Embed(image));
        using var fresh = new ResNet18Features(ResNet18Features.ModelFolder, threads: 1);
        Assert.Equal(ResNet18Features.Shared.Key, fresh.Key);
        Assert.Equal(shared, fresh.Embed(image));
        Assert.NotEqual(shared, fresh.Embed(Bar(vertical: false, offset: 9, seed: 1)));
    }

    [Fact]
    public void LinearProbe_SeparatesTwoKindsOfImage()
    {
        Example Make(int i) => new(ModelInput.Of(Bar(vertical: i % 2 == 1, offset: 3 + i % 17, seed: i).Serialise()), i % 2);
        var train = Enumerable.Range(0, 24).Select(Make).ToList();
        var test = Enumerable.Range(100, 12).Select(Make).ToList();
        using var model = new ResNet18Classifier(2) { Features = null };
        TorchSharp.torch.manual_seed(0);
        var data = train.Select(e => new TrainingExample(e.Input, e.Label == 0 ? [1f, 0f] : [0f, 1f])).ToList();
        Trainer.Train(model, data, new SoftCrossEntropy(), new TrainConfig(1e-2, BatchSize: 8, MicroBatchSize: 8, Epochs: 5, LinearProbe: true));
        var probabilities = Trainer.Predict(model, test.Select(e => e.Input).ToList());
        var accuracy = Accuracy.Of(probabilities, test.Select(e => e.Label).ToList()).Value;
        Assert.True(accuracy >= 0.9, $"probe accuracy {accuracy:P0}");
        Assert.Equal(ResNet18Features.Width * 2, model.parameters().Sum(p => p.numel())); // only the head is a torch parameter
    }

    [Fact]
    public void Features_AreComputedOnceAndReadBackFromTheDiskCache()
    {
        using var dir = new WeakToStrong.Tests.Data.TempDir();
        var inputs = Enumerable.Range(0, 3).Select(i => ModelInput.Of(Bar(vertical: i == 1, offset: 5 + i, seed: 50 + i).Serialise())).ToList();
        var writer = new WeakToStrong.Models.FeatureCache(dir.Path);
        using var first = new ResNet18Classifier(10) { Features = writer };
        var encoded = inputs.Select(first.Encode).ToList();
        first.Prepare(encoded);
        Assert.Equal((0L, 3L), (writer.Hits, writer.Misses));

        // A fresh cache object on the same folder (another process, say) computes nothing: all three come from disk.
        var reader = new WeakToStrong.Models.FeatureCache(dir.Path);
        using var second = new ResNet18Classifier(10) { Features = reader };
        second.Prepare(encoded);
        Assert.Equal((3L, 0L), (reader.Hits, reader.Misses));
        Assert.True(reader.TryGet(ResNet18Features.Shared.Key, encoded[1], out var cached));
        Assert.Equal(ResNet18Features.Shared.Embed(Bar(vertical: true, offset: 6, seed: 51)), cached);
    }
}
