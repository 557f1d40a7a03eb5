using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Models;
using WeakToStrong.Protocol;
using WeakToStrong.Training;

namespace WeakToStrong.Tests;

public class LengthGroupedBatchesTests
{
    private static int[] Lengths(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.Next(3, 120)).ToArray();
    }

    private static int[] Shuffled(int n, Random rng)
    {
        var order = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(order);
        return order;
    }

    // Padded tokens of a batch = batch size × its longest example − its real tokens.
    private static long Padding(IEnumerable<int[]> batches, int[] lengths) =>
        batches.Sum(b => (long)b.Length * b.Max(i => lengths[i]) - b.Sum(i => lengths[i]));

    [Fact]
    public void EveryExampleOnceInAsManyBatchesAsPlainChunking()
    {
        var lengths = Lengths(3_333, 1);
        var rng = new Random(7);
        var batches = LengthGroupedBatches.Of(Shuffled(lengths.Length, rng), i => lengths[i], 32, rng);
        Assert.Equal((lengths.Length + 31) / 32, batches.Count);
        Assert.Equal(Enumerable.Range(0, lengths.Length), batches.SelectMany(b => b).Order());
        Assert.Single(batches, b => b.Length != 32); // only the last window's last batch is short
    }

    [Fact]
    public void CutsPaddingAgainstPlainBatches()
    {
        var lengths = Lengths(3_200, 2);
        var order = Shuffled(lengths.Length, new Random(3));
        long plain = Padding(order.Chunk(32), lengths);
        long grouped = Padding(LengthGroupedBatches.Of(order, i => lengths[i], 32, new Random(3)), lengths);
        // Uniform lengths 3-119: a plain batch pads ~55 tokens per example, a sorted window of 1,600 ~2.
        Assert.True(grouped * 10 < plain, $"grouped {grouped} vs plain {plain} padded tokens");
    }

    [Fact]
    public void SameSeedSameBatches()
    {
        var lengths = Lengths(500, 4);
        List<int[]> Once() { var rng = new Random(9); return LengthGroupedBatches.Of(Shuffled(500, rng), i => lengths[i], 16, rng); }
        Assert.Equal(Once(), Once());
    }

    [Fact]
    public void StageKeyIsPinned()
    {
        var spec = StageSpec.Of(StageKind.Weak, "t", "d", new ExperimentConfig(Epochs: 2, BatchSize: 32, MicroBatchSize: 32, Bf16: false, GroupByLength: false, MinSteps: 0),
            ModelCatalog.Get("bow"), "xent", 1e-3);
        // Pinned (the key is sha256sum of this JSON): a change here invalidates every cached stage, so bump StageSpec.CodeVersion.
        Assert.Equal("""{"version":"stages-4","kind":"Weak","task":"t","data":"d","seed":0,"model":"bow","loss":"xent","lr":0.001,"epochs":2,"batch":32,"microBatch":32,"linearProbe":false,"generative":false,"generativeTest":false,"filter":null,"labeller":null,"slice":0,"slices":1,"selection":"Final","bf16":false,"minSteps":0,"groupByLength":false}""",
            spec.CanonicalJson());
        Assert.Equal("3e8b334e7aed5fbfafe4c2afb5c7d6e487f49036899f937f150a1b29cf463f04", spec.Key);
        Assert.NotEqual(spec.Key, (spec with { GroupByLength = true }).Key);
        // Stored specs (cache entries, Slurm manifests) name the data hash "data" too, and read back equal.
        var stored = WeakToStrong.Results.Json.Serialize(spec);
        Assert.Contains("\"data\": \"d\"", stored);
        Assert.Equal(spec, WeakToStrong.Results.Json.Deserialize<StageSpec>(stored));
    }

    [Fact]
    public void OnlyTextStagesGroupByLengthOrUseBf16()
    {
        // Boards and images have one size and their models compute in float32: the settings do not enter their stages.
        var config = new ExperimentConfig(Bf16: true, GroupByLength: true);
        var text = StageSpec.Of(StageKind.Ceiling, "t", "d", config, ModelCatalog.Get("minilm-l1"), "xent", null);
        Assert.True(text.Bf16 && text.GroupByLength);
        foreach (var name in new[] { "chess-xs", "pixels" })
        {
            var spec = StageSpec.Of(StageKind.Ceiling, "t", "d", config, ModelCatalog.Get(name), "xent", null);
            Assert.False(spec.Bf16 || spec.GroupByLength, name);
        }
    }

    [Fact]
    public void GroupedTrainingIsReproducibleAndLearns()
    {
        // Mixed lengths, label = whether the text is about fruit.
        string[] fruit = ["apple", "pear", "a ripe yellow banana from the market stall", "plum", "cherries picked in the orchard this summer"];
        string[] tools = ["hammer", "saw", "a heavy steel wrench for the plumbing work", "drill", "screwdrivers sorted in the red toolbox drawer"];
        var data = Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? new TrainingExample(ModelInput.Of(fruit[i / 2 % 5]), [1f, 0f])
            : new TrainingExample(ModelInput.Of(tools[i / 2 % 5]), [0f, 1f])).ToList();
        (float[] Probs, double Loss) TrainOnce()
        {
            TorchSharp.torch.manual_seed(1);
            using var model = BertClassifier.MiniLM(1, 2);
            var summary = Trainer.Train(model, data, new SoftCrossEntropy(),
                new TrainConfig(1e-3, BatchSize: 8, MicroBatchSize: 4, Epochs: 3, Seed: 1, GroupByLength: true));
            return (Trainer.Predict(model, data.Select(d => d.Input).ToList()).SelectMany(p => p).ToArray(), summary.FinalLoss);
        }
        var first = TrainOnce();
        Assert.Equal(first.Probs, TrainOnce().Probs);
        Assert.True(first.Loss < 0.5, $"final loss {first.Loss}");
    }
}
