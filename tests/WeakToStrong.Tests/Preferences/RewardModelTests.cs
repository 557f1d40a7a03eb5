using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Models;
using WeakToStrong.Protocol;
using Xunit;
using static TorchSharp.torch;

namespace WeakToStrong.Tests.Preferences;

public class RewardModelTests
{
    [Fact]
    public void BradleyTerryLossAndGradientMatchHandValues()
    {
        // Rewards r1 = 1.0 (first transcript), r2 = -0.5: logits are [r2, r1], so softmax gives sigmoid(r1 - r2) = sigmoid(1.5).
        using var r1 = tensor(new[] { 1.0f }, requires_grad: true);
        using var r2 = tensor(new[] { -0.5f }, requires_grad: true);
        using var logits = stack([r2, r1], 1);
        // Hard label "first preferred": -log sigmoid(1.5) = log(1 + e^-1.5) = 0.201413; d/dr1 = sigmoid(1.5) - 1 = -0.182426.
        using var hard = new SoftCrossEntropy().Compute(logits, tensor(new[,] { { 0f, 1f } }), 0);
        hard.backward();
        Assert.Equal(0.201413, hard.item<float>(), 5);
        Assert.Equal(-0.182426, r1.grad!.item<float>(), 5);
        Assert.Equal(0.182426, r2.grad!.item<float>(), 5);

        // Soft weak label 0.7: -(0.7 log sigmoid(1.5) + 0.3 log sigmoid(-1.5)) = 0.7 * 0.201413 + 0.3 * 1.701413 = 0.651413;
        // d/dr1 = sigmoid(1.5) - 0.7 = 0.117574.
        using var s1 = tensor(new[] { 1.0f }, requires_grad: true);
        using var s2 = tensor(new[] { -0.5f }, requires_grad: true);
        using var soft = new SoftCrossEntropy().Compute(stack([s2, s1], 1), tensor(new[,] { { 0.3f, 0.7f } }), 0);
        soft.backward();
        Assert.Equal(0.651413, soft.item<float>(), 5);
        Assert.Equal(0.117574, s1.grad!.item<float>(), 5);
        Assert.Equal(-0.117574, s2.grad!.item<float>(), 5);
    }

    [Fact]
    public void PairLogitsAreTheTwoTranscriptsOwnRewards()
    {
        manual_seed(0);
        using var model = new RewardModel(new BagOfWordsClassifier(2));
        // Give the zero-initialised head some weights so rewards differ.
        using (no_grad()) foreach (var p in model.parameters()) p.uniform_(-1, 1);
        var pair = ModelInput.Of("a fine crisp apple", "a soggy old apple with mould");
        var packed = model.Encode(pair);
        var (first, second) = RewardModel.Unpack(packed);
        Assert.Equal(model.Inner.Encode(ModelInput.Of(pair.Text)).Ids, first.Ids);
        Assert.Equal(model.Inner.Encode(ModelInput.Of(pair.TextPair!)).Ids, second.Ids);

        using var logits = model.Logits([packed]);
        using var rewards = model.Rewards([first, second]);
        Assert.Equal(rewards[0].item<float>(), logits[0, 1].item<float>(), 5);
        Assert.Equal(rewards[1].item<float>(), logits[0, 0].item<float>(), 5);
        Assert.NotEqual(logits[0, 0].item<float>(), logits[0, 1].item<float>());
    }

    [Fact]
    public void RewardModelsLearnPreferencesThroughTheProtocol()
    {
        // Preferred responses say "tasty"; the weak and the strong (both bag-of-words here) must rank held-out pairs.
        var rng = new Random(5);
        Example Make(int i)
        {
            var good = $"the {i} tasty meal {rng.Next(100)}";
            var bad = $"the {i} bland meal {rng.Next(100)}";
            return new Preference("Describe the meal.", good, bad).ToExample();
        }
        var all = Enumerable.Range(0, 500).Select(Make).ToList();
        var split = new ExperimentSplit(all[..200], all[200..400], all[400..], 2) { Inputs = InputKinds.Preference };
        var data = new DataReport("toy-preferences", 2, PreferenceDataset.ClassNames, 200, 200, 100, 0.5, []);
        var (result, _, _) = Experiment.Run(split, data, new ExperimentConfig("bow", "bow", "xent", Seed: 1, Epochs: 3));
        Assert.True(result.Weak.TestAccuracy >= 0.85, $"weak reward model {result.Weak.TestAccuracy}");
        Assert.True(result.Student.TestAccuracy >= 0.85, $"student reward model {result.Student.TestAccuracy}");
        Assert.True(result.Ceiling.TestAccuracy >= 0.85, $"ceiling reward model {result.Ceiling.TestAccuracy}");
    }
}
