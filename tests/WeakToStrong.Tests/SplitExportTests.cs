using System.Text.Json.Nodes;
using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Models;
using WeakToStrong.Protocol;
using WeakToStrong.Results;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

/// <summary>`w2s run --export-split`: what the PyTorch twin (bench/twin) reads, on a tiny random BERT and a tiny task.</summary>
public sealed class SplitExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("w2s-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Vocab =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "a", "dog", ".", "!", "##s", .. Enumerable.Range(0, 35).Select(i => $"w{i}")];

    /// <summary>A random 2-layer BERT (hidden 32, 16 positions) as a Hugging Face folder, loaded through hf:.</summary>
    private string TinyBert()
    {
        var folder = Path.Combine(_dir, "tiny-bert");
        Directory.CreateDirectory(folder);
        manual_seed(11);
        using var encoder = new BertEncoder(MixedPrecisionTests.Tiny);
        var c = encoder.Config;
        File.WriteAllText(Path.Combine(folder, "config.json"), new JsonObject
        {
            ["model_type"] = "bert", ["vocab_size"] = c.VocabSize, ["hidden_size"] = c.Hidden, ["num_hidden_layers"] = c.Layers,
            ["num_attention_heads"] = c.Heads, ["intermediate_size"] = c.Intermediate, ["max_position_embeddings"] = c.MaxPositions,
            ["type_vocab_size"] = c.TypeVocabSize, ["layer_norm_eps"] = c.LayerNormEps, ["hidden_act"] = "gelu",
        }.ToJsonString());
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), Vocab.Take(c.VocabSize));
        SafeTensors.Write(Path.Combine(folder, "model.safetensors"), encoder.ToHuggingFace());
        return folder;
    }

    /// <summary>"cat" means 1, "dog" 0; every fifth example is a text pair and every seventh is too long for 16 positions.</summary>
    private static Example Make(int i, int label) =>
        Example.Of($"{(label == 1 ? "the cat" : "a dog")} sat on w{i % 35} w{i / 35}{(i % 7 == 0 ? " the mat the mat the mat the mat the mat !" : "")}",
            i % 5 == 0 ? $"the mat w{i % 11}." : null, label);

    private static (ExperimentSplit Clean, ExperimentSplit Poisoned, DataReport Report) Splits()
    {
        var a = Enumerable.Range(0, 48).Select(i => Make(i, i % 2)).ToList();
        var b = Enumerable.Range(100, 40).Select(i => Make(i, i % 2)).ToList();
        var test = Enumerable.Range(200, 20).Select(i => Make(i, i % 2)).ToList();
        var poisoned = b.Select(e => e with { Label = 1 - e.Label }).ToList();
        var report = new DataReport("tiny", 2, ["0", "1"], a.Count, b.Count, test.Count, 0.5, []);
        return (new ExperimentSplit(a, b, test, 2), new ExperimentSplit(a, poisoned, test, 2), report);
    }

    private static List<JsonNode> Lines(string file) => File.ReadAllLines(file).Select(l => JsonNode.Parse(l)!).ToList();

    private static long[] Longs(JsonNode node) => node.AsArray().Select(v => v!.GetValue<long>()).ToArray();

    [Fact]
    public void ExportHoldsOurTokenIdsWeakLabelsAndTruthWhileTheStudentNeverSeesBsTruth()
    {
        var folder = TinyBert();
        var (clean, poisoned, report) = Splits();
        var config = new ExperimentConfig("bow", "hf:" + folder, "xent", Seed: 2, Epochs: 2, StrongLearningRate: 1e-3, MinSteps: 0, Bf16: false, GroupByLength: false).Resolved();

        var (cleanResult, cleanLabels, _) = Experiment.Run(clean, report, config);
        var (poisonedResult, poisonedLabels, _) = Experiment.Run(poisoned, report, config);
        // B's ground truth changes the ceiling's training data but not the student's: same weak labels, same student.
        Assert.Equal(cleanLabels.Labels.SelectMany(l => l.Probabilities), poisonedLabels.Labels.SelectMany(l => l.Probabilities));
        Assert.Equal(cleanResult.Student with { TrainSeconds = 0 }, poisonedResult.Student with { TrainSeconds = 0 });

        string cleanDir = Path.Combine(_dir, "clean"), poisonedDir = Path.Combine(_dir, "poisoned");
        SplitExport.Write(cleanDir, clean, cleanResult, cleanLabels.Labels.Select(l => l.Probabilities).ToList());
        SplitExport.Write(poisonedDir, poisoned, poisonedResult, poisonedLabels.Labels.Select(l => l.Probabilities).ToList());
        foreach (var file in new[] { SplitExport.BFile, SplitExport.TestFile, SplitExport.SettingsFile, SplitExport.WeightsFile, SplitExport.ForwardCheckFile, SplitExport.OrderFile })
            Assert.True(File.Exists(Path.Combine(cleanDir, file)), file);

        // Ids and type ids exactly as our tokenizer makes them at the model's context length (16: long texts are truncated).
        var tokenizer = HuggingFaceCheckpoint.LoadBert(folder).Tokenizer;
        var b = Lines(Path.Combine(cleanDir, SplitExport.BFile));
        var bTruth = Enumerable.Range(100, 40).Select(i => Make(i, i % 2)).ToList();
        Assert.Equal(bTruth.Count, b.Count);
        bool sawPair = false, sawTruncated = false;
        for (int i = 0; i < b.Count; i++)
        {
            var encoding = tokenizer.Encode(bTruth[i].Input.Text, bTruth[i].Input.TextPair, 16);
            Assert.Equal(bTruth[i].Id, b[i]["id"]!.GetValue<string>());
            Assert.Equal(encoding.Ids, Longs(b[i]["ids"]!));
            Assert.Equal(encoding.TypeIds, Longs(b[i]["typeIds"]!));
            Assert.Equal(cleanLabels.Labels[i].Probabilities, b[i]["weak"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
            Assert.Equal(bTruth[i].Label, b[i]["label"]!.GetValue<int>());
            sawPair |= encoding.TypeIds.Contains(1);
            sawTruncated |= encoding.Truncated;
        }
        Assert.True(sawPair && sawTruncated);
        var test = Lines(Path.Combine(cleanDir, SplitExport.TestFile));
        Assert.Equal(clean.Test.Select(e => e.Id), test.Select(t => t["id"]!.GetValue<string>()));
        Assert.Equal(clean.Test.Select(e => tokenizer.Encode(e.Input.Text, e.Input.TextPair, 16).Ids), test.Select(t => Longs(t["ids"]!)));
        Assert.Equal(clean.Test.Select(e => e.Label), test.Select(t => t["label"]!.GetValue<int>()));

        // The export is the evaluator's: its labels are B's truth (here poisoned), its weak labels the same as the clean run's.
        var poisonedB = Lines(Path.Combine(poisonedDir, SplitExport.BFile));
        Assert.All(poisonedB.Zip(b), p => Assert.Equal(1 - p.Second["label"]!.GetValue<int>(), p.First["label"]!.GetValue<int>()));
        Assert.Equal(b.Select(l => l["weak"]!.ToJsonString()), poisonedB.Select(l => l["weak"]!.ToJsonString()));

        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(cleanDir, SplitExport.SettingsFile)))!;
        Assert.Equal("xent", settings["loss"]!.GetValue<string>());
        Assert.Equal(2, settings["student"]!["epochs"]!.GetValue<int>());
        Assert.Equal(4, settings["student"]!["steps"]!.GetValue<int>()); // 40 examples in batches of 32: 2 steps an epoch
        Assert.Equal(1e-3, settings["ceiling"]!["learningRate"]!.GetValue<double>());
        Assert.Equal(cleanResult.Ceiling.TestAccuracy, settings["ceiling"]!["testAccuracy"]!.GetValue<double>());
        Assert.Equal(4, settings["encoder"]!["heads"]!.GetValue<int>());
        Assert.Equal(16, settings["encoder"]!["maxLength"]!.GetValue<int>());

        // The weights are the pretrained encoder's, not a finetuned one's.
        var exported = SafeTensors.Read(Path.Combine(cleanDir, SplitExport.WeightsFile));
        var original = SafeTensors.Read(Path.Combine(folder, "model.safetensors"));
        Assert.Equal(original.Keys.Order(), exported.Keys.Order());
        Assert.All(original, kv => Assert.Equal(0f, (kv.Value - exported[kv.Key]).abs().max().item<float>()));
    }

    [Fact]
    public void ExportedOrderIsTheOrderInWhichTheTrainerVisitsExamples()
    {
        const int n = 70; // 3 batches an epoch, the last one short
        // Each example's target says which example it is: (i + 1) / 1024 is exact in float32.
        var data = Enumerable.Range(0, n)
            .Select(i => new TrainingExample(ModelInput.Of($"w{i % 35} w{i / 35}"), [(i + 1) / 1024f, 1 - (i + 1) / 1024f])).ToList();
        var loss = new RecordingLoss();
        using var model = new BagOfWordsClassifier(2);
        Trainer.Train(model, data, loss, new TrainConfig(0.1, Epochs: 3, Seed: 5));
        Assert.Equal(SplitExport.TrainerOrder(n, 3, 5).SelectMany(o => o), loss.Seen);
    }

    private sealed class RecordingLoss : ILoss
    {
        public List<int> Seen { get; } = [];

        public string Name => "record";

        public Tensor Compute(Tensor logits, Tensor targets, double stepFraction)
        {
            Seen.AddRange(targets[.., 0].data<float>().ToArray().Select(v => (int)Math.Round(v * 1024) - 1));
            return SoftCrossEntropy.Of(logits, targets);
        }
    }

    [Fact]
    public void EpochsComeFromTheStepsTheRunMade()
    {
        ModelResult Run(int examples, int steps) => new("ceiling", "m", "B", "xent", 1e-3, 0.5, 0.1, null, 0, examples, steps, 0);
        Assert.Equal(2, SplitExport.EpochsOf(Run(40, 4), 32));
        Assert.Equal(5, SplitExport.EpochsOf(Run(64, 10), 32)); // e.g. a floor on optimizer steps raised the epochs
        Assert.Throws<InvalidDataException>(() => SplitExport.EpochsOf(Run(40, 5), 32));
    }

    [Fact]
    public void CliExportsFreshAndReusedRunsAndRefusesWhatTheTwinCannotRun()
    {
        var folder = TinyBert();
        var data = Path.Combine(_dir, "tiny.jsonl");
        File.WriteAllLines(data, Enumerable.Range(0, 100).Select(i => Make(i, i % 2)).Select(e =>
        {
            var line = new JsonObject { ["text"] = e.Input.Text, ["label"] = e.Label };
            if (e.Input.TextPair is { } pair) line["text_pair"] = pair;
            return line.ToJsonString();
        }));
        string runs = Path.Combine(_dir, "runs"), export = Path.Combine(runs, "export");
        string[] run = ["run", "--data", data, "--weak", "bow", "--strong", "hf:" + folder, "--min-steps", "0", "--precision", "fp32", "--group-by-length", "false", "--threads", "1", "--out", runs, "--export-split", export];

        var (exit, _, err) = W2sProcess.Run(run);
        Assert.True(exit == 0, err);
        var first = Directory.GetFiles(export).Order().Select(File.ReadAllBytes).ToList();
        Assert.Equal(6, first.Count);
        foreach (var file in SplitExport.TwinFiles) File.WriteAllText(Path.Combine(export, file), "{}"); // reports on the previous export

        (exit, _, err) = W2sProcess.Run(run);
        Assert.True(exit == 0, err);
        Assert.Equal(first, Directory.GetFiles(export).Order().Select(File.ReadAllBytes).ToList()); // same export, stale twin.json gone

        (exit, _, err) = W2sProcess.Run([.. run, "--seeds", "2"]);
        Assert.Equal(2, exit);
        Assert.Contains("--export-split: exports one seed", err);
        (exit, _, err) = W2sProcess.Run([.. run.Select(a => a == "fp32" ? "bf16" : a)]);
        Assert.Equal(2, exit);
        Assert.Contains("add --precision fp32", err);
        (exit, _, err) = W2sProcess.Run(["run", "--data", data, "--weak", "bow", "--strong", "bow", "--precision", "fp32", "--group-by-length", "false",
            "--out", runs, "--export-split", export]);
        Assert.Equal(2, exit);
        Assert.Contains("must be a BERT encoder", err);
    }
}
