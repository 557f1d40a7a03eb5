using System.Text.Json;
using WeakToStrong.Data;
using WeakToStrong.Data.Tasks;
using WeakToStrong.Protocol;
using WeakToStrong.Results;
using WeakToStrong.Tests.Data;

namespace WeakToStrong.Tests.Vision;

/// <summary>The shared protocol on a 10-class image task, and the input-kind checks that keep text and image models apart.</summary>
public class VisionProtocolTests
{
    [FashionMnistFact]
    public void PixelsToResNet18_RunsTheKClassProtocolEndToEnd()
    {
        using var dir = new TempDir();
        new FashionMnistTask { TestPerClass = 4, MaxTrainPerClass = 10 }.Write(Path.Combine(dir.Path, FashionMnistTask.TaskName));
        var task = BuiltinTasks.Load(FashionMnistTask.TaskName, dir.Path);
        var (split, report) = TaskPreparation.Prepare(task, seed: 0);
        Assert.Equal((50, 50, 40), (report.TrainA, report.TrainB, report.Test));
        // Small data, so more epochs and a larger step than the defaults, to see learning in a few seconds.
        var config = new ExperimentConfig("pixels", "resnet18", Epochs: 8, StrongLearningRate: 1e-2);
        var plan = Experiment.Plan(config, task.Name, split.Fingerprint);
        Assert.False(plan.Weak.LinearProbe);
        Assert.True(plan.Student.LinearProbe && plan.Ceiling.LinearProbe); // ResNet18's body is always frozen

        var (result, weakLabels, weakCorrect) = Experiment.Run(split, report, config);

        Assert.Equal(10, result.Data.Classes);
        Assert.All(weakLabels.Labels, l => Assert.Equal(10, l.Probabilities.Length));
        Assert.Equal(50, weakCorrect.Length);
        foreach (var m in new[] { result.Weak, result.Student, result.Ceiling })
        {
            Assert.NotNull(m.TestAuroc); // macro one-vs-rest for K = 10
            Assert.InRange(m.TestAuroc!.Value, 0, 1);
            Assert.InRange(m.TestCalibrationError, 0, 1);
        }
        Assert.True(result.Weak.TestAccuracy > 0.2, $"weak {result.Weak.TestAccuracy:P0} (chance 10%)");
        Assert.True(result.Ceiling.TestAccuracy > 0.3, $"ceiling {result.Ceiling.TestAccuracy:P0} (chance 10%)");
        Assert.Equal(result.Ceiling.TestAccuracy - result.Weak.TestAccuracy, result.Gap, 10);
        Assert.True(result.Pgr is not null || result.PgrUndefinedReason is not null);

        var folder = new RunFolder(Path.Combine(dir.Path, "run"));
        folder.Save(result, weakLabels, weakCorrect);
        using var json = JsonDocument.Parse(File.ReadAllText(folder.ResultFile));
        Assert.Equal(10, json.RootElement.GetProperty("data").GetProperty("classNames").GetArrayLength());
    }

    /// <summary>A tiny split whose six inputs are made by <paramref name="text"/> from 0..5 (two each for A, B and test).</summary>
    private static ExperimentSplit Split(string inputs, Func<int, string> text)
    {
        var examples = Enumerable.Range(0, 6).Select(i => Example.Of(text(i), null, i % 2)).ToList();
        return new ExperimentSplit(examples[..2], examples[2..4], examples[4..], 2) { Inputs = inputs };
    }

    private static string Image(int i)
    {
        var pixels = new byte[784];
        pixels[i] = 255;
        return new WeakToStrong.Data.Images.GreyImage(28, 28, pixels).Serialise();
    }

    [Fact]
    public void TextModelOnAnImageTask_FailsBeforeTraining_WithAClearError()
    {
        var split = Split(InputKinds.Image, Image);
        var report = new DataReport("fashion-mnist", 2, ["a", "b"], 2, 2, 2, 0.5, []);
        var e = Assert.ThrowsAny<ArgumentException>(() => Experiment.Run(split, report, new ExperimentConfig("bow", "resnet18")));
        Assert.Contains("Model 'bow' reads text inputs, but task 'fashion-mnist' has image inputs", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => Experiment.Run(split, report, new ExperimentConfig("pixels", "minilm-l1")));
        Assert.Contains("'minilm-l1' reads text inputs", e.Message);
    }

    [Fact]
    public void ImageModelOnATextTask_FailsWithAClearError()
    {
        var split = Split(InputKinds.Text, i => $"sentence number {i}");
        var report = new DataReport("words", 2, ["a", "b"], 2, 2, 2, 0.5, []);
        var e = Assert.ThrowsAny<ArgumentException>(() => Experiment.Run(split, report, new ExperimentConfig("bow", "resnet18")));
        Assert.Contains("Model 'resnet18' reads image inputs, but task 'words' has text inputs", e.Message);
        // And an image model given text directly says what it expected.
        using var pixels = new WeakToStrong.Models.Vision.PixelClassifier(2);
        e = Assert.Throws<ArgumentException>(() => pixels.Encode(ModelInput.Of("a sentence")));
        Assert.Contains("not a serialised grey image", e.Message);
    }
}
