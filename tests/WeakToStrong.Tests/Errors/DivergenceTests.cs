using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Models;
using WeakToStrong.Protocol;
using WeakToStrong.Sweeps;
using WeakToStrong.Tests.Sweeps;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Tests.Errors;

/// <summary>Logistic regression on 16 hashed character counts: a model that trains through the Trainer in milliseconds.</summary>
internal sealed class CharHashClassifier : Classifier
{
    private const int Width = 16;
    private readonly TorchSharp.Modules.Linear head;

    public CharHashClassifier(int classes) : base("char-hash")
    {
        Classes = classes;
        head = nn.Linear(Width, classes);
        RegisterComponents();
    }

    public override int Classes { get; }

    public override EncodedInput Encode(ModelInput input) => new(input.Text.Select(c => (long)(c % Width)).ToArray(), []);

    public override Tensor Logits(IReadOnlyList<EncodedInput> batch)
    {
        var features = new float[batch.Count * Width];
        for (int i = 0; i < batch.Count; i++)
            foreach (var id in batch[i].Ids) features[i * Width + id] += 1f;
        return head.forward(tensor(features, [batch.Count, Width]));
    }

    public TorchSharp.Modules.Linear Head => head;

    /// <summary>Registers the model as a test rung (tests only).</summary>
    public static string Rung()
    {
        const string name = "test-char-hash";
        lock (ModelCatalog.TestRungs)
            if (ModelCatalog.TestRungs.All(m => m.Name != name))
                ModelCatalog.TestRungs.Add(new ModelSpec(name, "character-hash logistic regression (test rung)", 0, 0, 0.05, "tests",
                    classes => new CharHashClassifier(classes)));
        return name;
    }
}

/// <summary>
/// A diverging stage (NaN or infinite loss or probabilities) stops with an error naming it and its learning rate, and
/// caches nothing. (1e37 is near the largest rate libtorch's Adam accepts; `w2s` itself takes rates up to 10.)
/// </summary>
public sealed class DivergenceTests : IDisposable
{
    private readonly string _folder = SweepFixtures.TempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (ExperimentSplit Split, DataReport Report) Data() => TaskPreparation.Prepare(SweepFixtures.Synthetic(), seed: 0);

    [Fact]
    public void AHugeWeakLearningRateStopsTheWeakStageAndCachesNothing()
    {
        var model = CharHashClassifier.Rung();
        var (split, report) = Data();
        var cache = new StageCache(Path.Combine(_folder, "cache"));
        var config = new ExperimentConfig(model, model, WeakLearningRate: 1e37);
        var e = Assert.Throws<TrainingDivergedException>(() => Experiment.Run(split, report, config, cache: cache));
        Assert.StartsWith($"stage 'weak {model}': ", e.Message);
        Assert.Contains("learning rate 1E+37", e.Message);
        Assert.Contains("--weak-lr", e.Message);
        Assert.IsAssignableFrom<UserInputException>(e);
        Assert.False(Directory.Exists(cache.Root) && Directory.EnumerateFiles(cache.Root, "*", SearchOption.AllDirectories).Any(),
            "a diverged stage left something in the cache");
    }

    [Fact]
    public void AHugeStrongLearningRateStopsAfterTheWeakStageWhichStaysCached()
    {
        var model = CharHashClassifier.Rung();
        var (split, report) = Data();
        var cache = new StageCache(Path.Combine(_folder, "cache"));
        var config = new ExperimentConfig(model, model, StrongLearningRate: 1e37);
        var e = Assert.Throws<TrainingDivergedException>(() => Experiment.Run(split, report, config, cache: cache));
        Assert.Contains("learning rate 1E+37", e.Message);
        Assert.DoesNotContain("stage 'weak", e.Message);
        var plan = Experiment.Plan(config, report.Task, split.Fingerprint);
        Assert.True(cache.Contains(plan.Weak));
        Assert.False(cache.Contains(plan.Student));
        Assert.False(cache.Contains(plan.Ceiling));
        Assert.Single(Directory.EnumerateFiles(cache.Root, "*.json", SearchOption.AllDirectories));
    }

    [Fact]
    public void PredictionsThatOverflowAreAnErrorNotANumber()
    {
        using var model = new CharHashClassifier(2);
        using (no_grad())
        {
            // Logits of ±(3e38 + 3e38): infinite, and softmax of [inf, -inf] is NaN.
            model.Head.weight!.fill_(3e38f);
            model.Head.bias!.fill_(3e38f);
            model.Head.weight![1].fill_(-3e38f);
            model.Head.bias![1].fill_(-3e38f);
        }
        var e = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Predict(model, [ModelInput.Of("aaaa bbbb"), ModelInput.Of("cc")], stage: "student on test"));
        Assert.Contains("NaN probabilities", e.Message);
    }
}
