using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Models;
using WeakToStrong.Protocol;
using WeakToStrong.Training;

namespace WeakToStrong.Tests;

/// <summary>The same seed gives the same numbers, end to end.</summary>
public class ReproducibilityTests
{
    [Fact]
    public void SameSeedSameExperimentResult()
    {
        var task = BuiltinTasks.Load(BuiltinTasks.DefaultTask);
        ExperimentResult RunOnce()
        {
            var (split, report) = TaskPreparation.Prepare(task, seed: 5, maxTrain: 400, maxTest: 200);
            return Experiment.Run(split, report, new ExperimentConfig("bow", "bow", "logconf", Seed: 5)).Result;
        }
        var first = RunOnce();
        var second = RunOnce();
        Assert.Equal(first.Weak.TestAccuracy, second.Weak.TestAccuracy);
        Assert.Equal(first.Student.TestAccuracy, second.Student.TestAccuracy);
        Assert.Equal(first.Ceiling.TestAccuracy, second.Ceiling.TestAccuracy);
        Assert.Equal(first.WeakLabelAccuracyOnB, second.WeakLabelAccuracyOnB);
    }

    [Fact]
    public void SameSeedSameFinetunedTransformer()
    {
        var data = Enumerable.Range(0, 24).Select(i =>
            new TrainingExample(ModelInput.Of($"item {i}", i % 2 == 0 ? "an even thing" : "an odd thing"), i % 2 == 0 ? [1f, 0f] : [0f, 1f])).ToList();
        float[] TrainOnce()
        {
            TorchSharp.torch.manual_seed(1);
            using var model = BertClassifier.MiniLM(1, 2);
            Trainer.Train(model, data, new SoftCrossEntropy(), new TrainConfig(5e-4, BatchSize: 8, MicroBatchSize: 4, Epochs: 1, Seed: 1));
            return Trainer.Predict(model, data.Select(d => d.Input).ToList()).SelectMany(p => p).ToArray();
        }
        Assert.Equal(TrainOnce(), TrainOnce());
    }
}
