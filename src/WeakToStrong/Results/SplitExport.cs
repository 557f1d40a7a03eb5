using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WeakToStrong.Data;
using WeakToStrong.Models;
using WeakToStrong.Protocol;

namespace WeakToStrong.Results;

/// <summary>
/// `w2s run --export-split DIR`: one finished run's half B and test set as our tokenizer encodes them, the weak supervisor's
/// soft labels, the training settings the run actually used and the strong model's pretrained weights, so that an
/// independent PyTorch twin of the protocol (bench/twin/twin.py) can train the student and the ceiling again and compare.
/// This is an evaluator's artifact: b.jsonl holds B's ground truth (the ceiling trains on it). It is written after the run
/// from the split's evaluator-only view of B; nothing in the stages reads it.
/// </summary>
internal static class SplitExport
{
    public const string BFile = "b.jsonl", TestFile = "test.jsonl", SettingsFile = "settings.json", WeightsFile = "weights.safetensors",
        ForwardCheckFile = "forward_check.json", OrderFile = "order.json";

    /// <summary>How many test examples (the first ones, as one padded batch) forward_check.json holds our pooled embeddings of.</summary>
    public const int ForwardCheckExamples = 8;

    /// <summary>Written by the twin into the same folder (its own batch order, and ours); removed on export, since they belong to the previous export.</summary>
    public static readonly IReadOnlyList<string> TwinFiles = ["twin.json", "twin_our_order.json"];

    /// <summary>Student losses the twin implements (bench/twin/twin.py).</summary>
    public static readonly IReadOnlyList<string> TwinLosses = ["xent", "xent-hard", "logconf", "logconf-0.75", "logconf-reference"];

    /// <summary>Refuses, before any training, a run whose student or ceiling the twin does not reproduce (loads the strong model once to see that it is a BERT).</summary>
    public static void Check(ExperimentConfig config, int seeds, string inputs)
    {
        CheckConfig(config, seeds, inputs);
        var spec = ModelCatalog.Get(config.StrongModel);
        using var probe = spec.Create(2);
        if (probe is not BertClassifier) throw new UserInputException("--export-split", $"the strong model must be a BERT encoder; {spec.Name} is a {probe.GetType().Name}");
    }

    private static void CheckConfig(ExperimentConfig config, int seeds, string inputs)
    {
        static UserInputException No(string what) => new("--export-split", what);
        if (seeds != 1) throw No("exports one seed; drop --seeds");
        if (inputs != InputKinds.Text) throw No($"exports text tasks only, not {inputs} inputs");
        if (!TwinLosses.Contains(config.Loss)) throw No($"the twin implements the losses {string.Join(", ", TwinLosses)}, not '{config.Loss}'");
        if (config.BootstrapChain().Count > 0) throw No("--bootstrap is not supported (the student learns from a link, not the weak supervisor)");
        if (config.GenerativeFinetuning) throw No("--genft is not supported");
        if (config.FilterConfident is not null) throw No("--filter-confident is not supported");
        if (config.Selection != CheckpointCriterion.Final) throw No("--select is not supported (the twin keeps the final checkpoint)");
        if (config.UsesBf16) throw No("exports float32 runs only (the twin trains in float32); add --precision fp32");
        if (config.GroupByLength) throw No("exports randomly batched runs only (the twin batches at random); add --group-by-length false");
        var spec = ModelCatalog.Get(config.StrongModel);
        if (spec.Inputs != InputKinds.Text) throw No($"the strong model {spec.Name} does not read text");
    }

    /// <summary>Exports a run whose folder holds its weak labels (weak_labels.jsonl, written for fresh and reused runs alike).</summary>
    public static void Write(string directory, RunFolder run, ExperimentSplit split, ExperimentResult result) =>
        Write(directory, split, result, ReadWeakLabels(run.WeakLabelsFile, split));

    /// <summary>Writes b.jsonl, test.jsonl and weights.safetensors, then settings.json last: its presence means the export is complete.</summary>
    public static void Write(string directory, ExperimentSplit split, ExperimentResult result, IReadOnlyList<float[]> weakProbabilities)
    {
        var config = result.Config;
        CheckConfig(config, 1, split.Inputs);
        var truth = split.BWithGroundTruth;
        if (weakProbabilities.Count != truth.Count)
            throw new InvalidDataException($"{weakProbabilities.Count} weak labels for {truth.Count} examples of B");
        Directory.CreateDirectory(directory);
        foreach (var file in TwinFiles.Prepend(SettingsFile)) File.Delete(Path.Combine(directory, file));

        using var created = ModelCatalog.Get(config.StrongModel).Create(split.Classes);
        var model = created as BertClassifier
            ?? throw new UserInputException("--export-split", $"the strong model must be a BERT encoder; {config.StrongModel} is a {created.GetType().Name}");
        var b = new StringBuilder();
        for (int i = 0; i < truth.Count; i++)
        {
            var e = model.Tokenizer.Encode(truth[i].Input.Text, truth[i].Input.TextPair, model.MaxLength);
            b.Append(Line(new { id = truth[i].Id, ids = e.Ids, typeIds = e.TypeIds, weak = weakProbabilities[i], label = truth[i].Label }));
        }
        var test = new StringBuilder();
        foreach (var example in split.Test)
        {
            var e = model.Tokenizer.Encode(example.Input.Text, example.Input.TextPair, model.MaxLength);
            test.Append(Line(new { id = example.Id, ids = e.Ids, typeIds = e.TypeIds, label = example.Label }));
        }
        AtomicFile.WriteAllText(Path.Combine(directory, BFile), b.ToString());
        AtomicFile.WriteAllText(Path.Combine(directory, TestFile), test.ToString());
        SafeTensors.Write(Path.Combine(directory, WeightsFile), model.Encoder.ToHuggingFace());
        AtomicFile.WriteAllText(Path.Combine(directory, ForwardCheckFile), ForwardCheck(model, split.Test));
        int epochs = Math.Max(EpochsOf(result.Student, config.BatchSize), EpochsOf(result.Ceiling, config.BatchSize));
        AtomicFile.WriteAllText(Path.Combine(directory, OrderFile),
            JsonSerializer.Serialize(new { epochs = TrainerOrder(truth.Count, epochs, config.Seed) }, Compact));
        AtomicFile.WriteAllText(Path.Combine(directory, SettingsFile), Settings(result, model, split).ToJsonString(Json.Options));
    }

    /// <summary>Epochs as the run used them: its optimizer steps over the steps of one epoch (a floor on steps may have raised them).</summary>
    public static int EpochsOf(ModelResult result, int batchSize)
    {
        int perEpoch = (result.TrainExamples + batchSize - 1) / batchSize;
        if (perEpoch == 0 || result.Steps % perEpoch != 0)
            throw new InvalidDataException($"{result.Role}: {result.Steps} steps are not whole epochs of {perEpoch} batches of {batchSize}");
        return result.Steps / perEpoch;
    }

    private static JsonObject Settings(ExperimentResult result, BertClassifier model, ExperimentSplit split)
    {
        var c = result.Config;
        var body = model.Encoder.Config;
        JsonObject Trained(ModelResult m) => new()
        {
            ["learningRate"] = m.LearningRate, ["epochs"] = EpochsOf(m, c.BatchSize), ["steps"] = m.Steps,
            ["trainExamples"] = m.TrainExamples, ["testAccuracy"] = m.TestAccuracy, ["testAuroc"] = m.TestAuroc,
        };
        return new JsonObject
        {
            ["format"] = 1,
            ["task"] = result.Data.Task,
            ["seed"] = c.Seed,
            ["classes"] = split.Classes,
            ["weakModel"] = c.WeakModel,
            ["strongModel"] = c.StrongModel,
            ["layers"] = body.Layers,
            ["encoder"] = new JsonObject
            {
                ["vocab"] = body.VocabSize, ["hidden"] = body.Hidden, ["layers"] = body.Layers, ["heads"] = body.Heads,
                ["intermediate"] = body.Intermediate, ["positions"] = body.MaxPositions, ["typeVocab"] = body.TypeVocabSize,
                ["layerNormEps"] = body.LayerNormEps, ["maxLength"] = model.MaxLength, ["padId"] = model.Tokenizer.PadId,
                ["pooling"] = "mean over the attention mask (all real tokens, [CLS] and [SEP] included)",
                ["head"] = "linear, no bias, zero-initialised",
            },
            ["loss"] = c.Loss,
            ["linearProbe"] = ModelCatalog.Get(c.StrongModel).LinearProbe(c.LinearProbe),
            ["batchSize"] = c.BatchSize,
            ["microBatchSize"] = c.MicroBatchSize,
            ["optimizer"] = "Adam (betas 0.9, 0.999, eps 1e-8, no weight decay); lr cosine from the base rate to 0 over all steps, no warm-up",
            ["student"] = Trained(result.Student),
            ["ceiling"] = Trained(result.Ceiling),
            ["weak"] = new JsonObject { ["model"] = c.WeakModel, ["testAccuracy"] = result.Weak.TestAccuracy, ["testAuroc"] = result.Weak.TestAuroc },
            ["bExamples"] = split.BInputs.Count,
            ["testExamples"] = split.Test.Count,
        };
    }

    /// <summary>
    /// The order in which <see cref="Training.Trainer"/> visits B's examples (student and ceiling alike: the same count and
    /// seed): new Random(seed), and each epoch a shuffle of 0..n-1 cut into consecutive batches. The twin's --order ours
    /// replays it, which removes batch order from the comparison. Written out here rather than taken from the trainer, so a
    /// test (SplitExportTests) pins it to what the trainer does.
    /// </summary>
    public static int[][] TrainerOrder(int count, int epochs, int seed)
    {
        var rng = new Random(seed);
        var orders = new int[epochs][];
        for (int e = 0; e < epochs; e++)
        {
            orders[e] = Enumerable.Range(0, count).ToArray();
            rng.Shuffle(orders[e]);
        }
        return orders;
    }

    /// <summary>
    /// Our pretrained model's mean-pooled embeddings of the first test examples, padded into one batch as training pads
    /// them: the twin computes the same from weights.safetensors and the exported ids, a check of the forward pass alone.
    /// </summary>
    private static string ForwardCheck(BertClassifier model, IReadOnlyList<Example> test)
    {
        var batch = test.Take(ForwardCheckExamples).Select(e => model.Encode(e.Input)).ToList();
        using var noGrad = TorchSharp.torch.no_grad();
        using var pooled = model.Embed(batch);
        var flat = pooled.data<float>().ToArray();
        int width = (int)pooled.shape[1];
        var rows = Enumerable.Range(0, batch.Count).Select(i => flat.AsSpan(i * width, width).ToArray()).ToList();
        return JsonSerializer.Serialize(new { examples = batch.Count, pooled = rows }, Compact);
    }

    /// <summary>The weak probabilities of weak_labels.jsonl, checked against B's ids, in B's order.</summary>
    public static IReadOnlyList<float[]> ReadWeakLabels(string file, ExperimentSplit split)
    {
        var lines = File.ReadAllLines(file).Where(l => l.Length > 0).ToList();
        if (lines.Count != split.BInputs.Count)
            throw new InvalidDataException($"{file} has {lines.Count} weak labels; half B has {split.BInputs.Count} examples");
        var result = new List<float[]>(lines.Count);
        for (int i = 0; i < lines.Count; i++)
        {
            var node = JsonNode.Parse(lines[i])!;
            string id = node["id"]!.GetValue<string>();
            if (id != split.BInputs[i].Id) throw new InvalidDataException($"{file}:{i + 1}: id {id}, expected B's {split.BInputs[i].Id}");
            result.Add(node["probs"]!.AsArray().Select(p => p!.GetValue<float>()).ToArray());
        }
        return result;
    }

    private static readonly JsonSerializerOptions Compact = new(Json.Options) { WriteIndented = false };

    private static string Line<T>(T value) => JsonSerializer.Serialize(value, Compact) + "\n";
}
