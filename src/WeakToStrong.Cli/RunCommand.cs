using System.CommandLine;
using Spectre.Console;
using WeakToStrong.Data;
using WeakToStrong.Protocol;
using WeakToStrong.Reports;
using WeakToStrong.Results;
using WeakToStrong.Training;

namespace WeakToStrong.Cli;

/// <summary>`w2s run`: one weak-to-strong experiment, written to a run folder and printed as a table.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "Built-in task (see `w2s tasks`)", DefaultValueFactory = _ => BuiltinTasks.DefaultTask };
        var data = new Option<string?>("--data") { Description = "Your own task: a JSONL file with `text`, optional `text_pair`, and `label` (0/1, booleans or class names); a test set is held out of it unless --test is given" };
        var test = new Option<string?>("--test") { Description = "A separate JSONL test set for --data" };
        var textField = new Option<string>("--text-field") { Description = "JSON field of the text", DefaultValueFactory = _ => "text" };
        var pairField = new Option<string>("--pair-field") { Description = "JSON field of the optional second text", DefaultValueFactory = _ => "text_pair" };
        var labelField = new Option<string>("--label-field") { Description = "JSON field of the label", DefaultValueFactory = _ => "label" };
        var weak = new Option<string>("--weak") { Description = "Weak supervisor model (see `w2s models`)", DefaultValueFactory = _ => "bow" };
        var strong = new Option<string>("--strong") { Description = "Strong student model", DefaultValueFactory = _ => "minilm-l6" };
        var loss = new Option<string>("--loss") { Description = "Student loss (see `w2s losses`)", DefaultValueFactory = _ => "xent" };
        var seed = new Option<int>("--seed") { Description = "Seed of the split and of training (the first seed with --seeds)", DefaultValueFactory = _ => 0 };
        var seeds = new Option<int>("--seeds") { Description = "Repeat the whole protocol with this many consecutive seeds and summarise (mean, standard error, bootstrap 95% interval)", DefaultValueFactory = _ => 1 };
        var filter = new Option<string?>("--filter-confident") { Description = "LOW,HIGH: train the student only on confident weak labels, dropping those whose top probability lies in [LOW, HIGH] (two classes: 0.5,0.75 drops positive probabilities in [0.25, 0.75])" };
        var bootstrap = new Option<string?>("--bootstrap") { Description = "Bootstrapping: intermediate models between weak and strong, weakest first, e.g. minilm-l2,minilm-l4; B is cut into one slice per link" };
        var genft = new Option<bool>("--genft") { Description = "Generative finetuning: masked-LM on the training pool's texts before supervised training, for both student and ceiling" };
        var genftTest = new Option<bool>("--genft-include-test") { Description = "Let generative finetuning also read the test inputs (without labels)" };
        var select = new Option<string>("--select") { Description = "Student checkpoint: final (default), weak (best agreement with held-out weak labels; no ground truth), or oracle (best test accuracy: an upper bound, not a method)", DefaultValueFactory = _ => "final" };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => 2 };
        var microBatch = new Option<int>("--micro-batch") { Description = "Micro-batch size (batch 32 is split into micro-batches to save memory)", DefaultValueFactory = _ => 32 };
        var weakLr = new Option<double?>("--weak-lr") { Description = "Learning rate of the weak model (default: the model's own)" };
        var strongLr = new Option<double?>("--strong-lr") { Description = "Learning rate of the strong model (default: the model's own)" };
        var probe = new Option<bool>("--linear-probe") { Description = "Freeze the transformer and train only the head" };
        var maxTrain = new Option<int?>("--max-train") { Description = "Use at most this many training-pool examples (A+B)" };
        var maxTest = new Option<int?>("--max-test") { Description = "Use at most this many test examples" };
        var minGap = new Option<double>("--min-gap") { Description = "PGR is undefined below this ceiling-weak gap (accuracy points / 100)", DefaultValueFactory = _ => WeakToStrong.Metrics.Pgr.DefaultMinGap };
        var threads = new Option<int>("--threads") { Description = "Torch threads", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string>("--out") { Description = "Folder for run folders", DefaultValueFactory = _ => "runs" };
        var force = new Option<bool>("--force") { Description = "Recompute even if the run folder or its stage cache (OUT/cache) holds finished results" };
        var bf16 = new Option<bool>("--bf16") { Description = "bf16 mixed precision: transformer matmuls in bfloat16, float32 master weights, LayerNorms, loss and optimizer" };
        var groupByLength = new Option<bool>("--group-by-length") { Description = "Training batches of similar length: less padding, faster on texts of mixed length (changes the batches, so results differ from the default's)" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON on stdout instead of a table" };
        var exportSplit = new Option<string?>("--export-split") { Description = "After the run, write B (token ids, weak soft labels, ground truth), the test set, the settings used and the strong model's pretrained weights to this folder, for the PyTorch twin (bench/twin)" };

        var command = new Command("run", "Train a weak supervisor on half A, label half B with it, train the strong model on those labels and on ground truth, and report PGR.")
        {
            task, data, test, textField, pairField, labelField, weak, strong, loss, seed, seeds, filter, bootstrap, genft, genftTest, select, epochs, microBatch, weakLr, strongLr, probe,
            maxTrain, maxTest, minGap, threads, output, force, json, bf16, groupByLength,
        };
        command.Options.Add(exportSplit);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            var fields = new JsonlFields(r.GetValue(textField)!, r.GetValue(pairField)!, r.GetValue(labelField)!);
            var dataFile = r.GetValue(data);
            if (dataFile is null && r.GetValue(test) is not null) throw new ArgumentException("--test needs --data");
            var taskData = dataFile is null
                ? BuiltinTasks.Load(r.GetValue(task)!)
                : PreferenceDataset.IsPreferenceFile(dataFile)
                    ? PreferenceDataset.LoadTask(Path.GetFileNameWithoutExtension(dataFile), dataFile, r.GetValue(test))
                    : JsonlDataset.LoadTask(Path.GetFileNameWithoutExtension(dataFile), dataFile, r.GetValue(test), fields);
            var config = new ExperimentConfig(r.GetValue(weak)!, r.GetValue(strong)!, r.GetValue(loss)!, r.GetValue(seed), r.GetValue(epochs),
                32, r.GetValue(microBatch), r.GetValue(weakLr), r.GetValue(strongLr), r.GetValue(probe), r.GetValue(minGap),
                ParseFilter(r.GetValue(filter)), r.GetValue(bootstrap), r.GetValue(genft), r.GetValue(genftTest), ParseSelection(r.GetValue(select)!));
            config = config with { Bf16 = r.GetValue(bf16), GroupByLength = r.GetValue(groupByLength) };
            if (config.Bf16 && !WeakToStrong.Models.Bf16Support.HasFastMatmul) Console.Error.WriteLine("w2s: warning: " + WeakToStrong.Models.Bf16Support.SlowWarning);
            config = config.Resolved(); // also validates the model names before any work
            WeakToStrong.Losses.LossRegistry.Create(config.Loss);
            foreach (var link in config.BootstrapChain()) WeakToStrong.Models.ModelCatalog.Get(link);
            int seedCount = r.GetValue(seeds);
            if (seedCount < 1) throw new ArgumentException("--seeds must be at least 1");
            if (r.GetValue(exportSplit) is not null) { TorchRuntime.Initialize(r.GetValue(threads)); SplitExport.Check(config, seedCount, taskData.Inputs); }

            bool quiet = r.GetValue(json);
            var results = new List<ExperimentResult>();
            for (int s = config.Seed; s < config.Seed + seedCount; s++)
            {
                var seeded = config with { Seed = s };
                var (split, report) = TaskPreparation.Prepare(taskData, s, r.GetValue(maxTrain), r.GetValue(maxTest));
                var folder = new RunFolder(Path.Combine(r.GetValue(output)!, RunName(report, seeded)));
                var result = r.GetValue(force) ? null : folder.TryLoadFinished(seeded, report);
                if (result is not null)
                {
                    if (!quiet) Console.Error.WriteLine($"w2s: reusing the finished run in {folder.Path} (--force recomputes)");
                }
                else
                {
                    TorchRuntime.Initialize(r.GetValue(threads));
                    if (!quiet) Console.Error.WriteLine($"w2s: {report.Task}: A {report.TrainA}, B {report.TrainB}, test {report.Test}; {seeded.WeakModel} → {seeded.StrongModel}, loss {seeded.Loss}, seed {s}");
                    // Stages are cached beside the run folders, so runs that differ only in the student reuse weak and ceiling.
                    var cache = r.GetValue(force) ? null : new WeakToStrong.Sweeps.StageCache(Path.Combine(r.GetValue(output)!, "cache"));
                    var (fresh, weakLabels, weakCorrect) = Experiment.Run(split, report, seeded, new ConsoleProgress(quiet), cache);
                    folder.Save(fresh, weakLabels, weakCorrect);
                    result = fresh;
                }
                results.Add(result);
                if (r.GetValue(exportSplit) is { } exportDir) { SplitExport.Write(exportDir, folder, split, result); if (!quiet) Console.Error.WriteLine($"w2s: split exported to {exportDir}"); }
                if (!quiet)
                {
                    ResultTable.Write(result, AnsiConsole.Console);
                    AnsiConsole.MarkupLine($"[grey]written to {Markup.Escape(folder.ResultFile)}[/]");
                }
            }
            if (seedCount > 1)
            {
                var aggregate = SeedAggregate.Of(results);
                var summaryFile = Path.Combine(r.GetValue(output)!, RunName(results[0].Data, config, $"seeds{config.Seed}-{config.Seed + seedCount - 1}") + ".json");
                AtomicFile.WriteAllText(summaryFile, Json.Serialize(aggregate));
                if (quiet) Console.WriteLine(Json.Serialize(aggregate));
                else
                {
                    ResultTable.WriteAggregate(aggregate, AnsiConsole.Console);
                    AnsiConsole.MarkupLine($"[grey]written to {Markup.Escape(summaryFile)}[/]");
                }
            }
            else if (quiet) Console.WriteLine(Json.Serialize(results[0]));
        }));
        return command;
    }

    /// <summary>A readable folder name plus a short hash of the whole configuration and the data sizes (--max-train,
    /// --max-test), so runs that differ never share a folder.</summary>
    private static string RunName(DataReport data, ExperimentConfig c, string? seedPart = null)
    {
        var hash = Hashing.Sha256Hex(StageSpec.CodeVersion + Json.Serialize(c with { Seed = 0 }) + $"|{data.TrainA}|{data.TrainB}|{data.Test}", 4);
        // hf:/path/to/folder names hold separators: keep the folder name flat.
        static string Flat(string name) => string.Concat(name.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '.' ? ch : '_'));
        return $"{data.Task}_{Flat(c.WeakModel)}_to_{Flat(c.StrongModel)}_{c.Loss}_{hash}_{seedPart ?? $"seed{c.Seed}"}";
    }

    private static CheckpointCriterion ParseSelection(string text) => text switch
    {
        "final" => CheckpointCriterion.Final,
        "weak" => CheckpointCriterion.WeakAgreement,
        "oracle" => CheckpointCriterion.OracleTestAccuracy,
        _ => throw new ArgumentException($"--select takes final, weak or oracle; got '{text}'"),
    };

    private static ConfidenceFilter? ParseFilter(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',');
        if (parts.Length == 2 && double.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var low)
            && double.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var high) && 0 <= low && low <= high && high <= 1)
            return new ConfidenceFilter(low, high);
        throw new ArgumentException($"--filter-confident takes LOW,HIGH with 0 <= LOW <= HIGH <= 1, e.g. 0.5,0.75; got '{text}'");
    }
}
