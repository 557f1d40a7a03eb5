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
        var shared = new ExperimentOptions();
        var defaults = ExperimentOptions.Defaults;
        var weak = new Option<string>("--weak") { Description = "Weak supervisor model (see `w2s models`), or an ensemble combined by mean probability: models joined by ',' or '+' (bow,minilm-l1), bagK:MODEL for K copies on bootstrap resamples of A (bag5:bow)", DefaultValueFactory = _ => defaults.WeakModel };
        var strong = new Option<string>("--strong") { Description = "Strong student model", DefaultValueFactory = _ => defaults.StrongModel };
        var loss = new Option<string>("--loss") { Description = "Student loss (see `w2s losses`)", DefaultValueFactory = _ => defaults.Loss };
        var seed = new Option<int>("--seed") { Description = "Seed of the split and of training (the first seed with --seeds)", DefaultValueFactory = _ => defaults.Seed };
        var seeds = new Option<int>("--seeds") { Description = "Repeat the whole protocol with this many consecutive seeds and summarise (mean, standard error, bootstrap 95% interval)", DefaultValueFactory = _ => 1 };
        var filter = new Option<string?>("--filter-confident") { Description = "LOW,HIGH: train the student only on confident weak labels, dropping those whose top probability lies in [LOW, HIGH] (two classes: 0.5,0.75 drops positive probabilities in [0.25, 0.75])" };
        var bootstrap = new Option<string?>("--bootstrap") { Description = "Bootstrapping: intermediate models between weak and strong, weakest first, e.g. minilm-l2,minilm-l4; B is cut into one slice per link" };
        var genft = new Option<bool>("--genft") { Description = "Generative finetuning: masked-LM on the training pool's texts before supervised training, for both student and ceiling" };
        var genftTest = new Option<bool>("--genft-include-test") { Description = "Let generative finetuning also read the test inputs (without labels)" };
        var select = new Option<string>("--select") { Description = "Student checkpoint: final (default), weak (best agreement with held-out weak labels; no ground truth), or oracle (best test accuracy: an upper bound, not a method)", DefaultValueFactory = _ => "final" };
        var gold = new Option<int>("--gold") { Description = "Gold-label budget: give the student this many ground-truth labels of half B (drawn by seed), used as --gold-use says; 0 = none", DefaultValueFactory = _ => 0 };
        var goldUse = new Option<string>("--gold-use") { Description = "How the student uses the gold labels: mix (train on them, each counting 4 weak labels), platt (calibrate the weak labels on them; two classes) or select (the checkpoint most accurate on them)", DefaultValueFactory = _ => "mix" };
        var s2s = new Option<int>("--s2s") { Description = "Strong-to-strong rounds: the student relabels B and a fresh student trains on its labels, this many times (0 = none)", DefaultValueFactory = _ => 0 };
        var probe = new Option<string?>("--probe") { Description = $"A {EmbeddingProbe.Neighbours}-NN probe on the student's pretrained embeddings of B: relabel (train on the mean weak label of each example's nearest neighbours) or filter (drop the 10% of weak labels that disagree most with it)" };
        var weakLr = new Option<double?>("--weak-lr") { Description = "Learning rate of the weak model (default: the model's own)" };
        var strongLr = new Option<double?>("--strong-lr") { Description = "Learning rate of the strong model (default: the model's own)" };
        var output = new Option<string>("--out") { Description = "Folder for run folders", DefaultValueFactory = _ => "runs" };
        var force = new Option<bool>("--force") { Description = "Recompute every stage, even those the stage cache (OUT/cache) holds" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON on stdout instead of a table" };
        var validation = new Option<bool>("--validation") { Description = "Choose settings without using the test set: score on a validation set held out of the training pool (one in five examples, stratified, drawn by seed); the task is named TASK-validation in the results" };
        var exportSplit = new Option<string?>("--export-split") { Description = "After the run, write B (token ids, weak soft labels, ground truth), the test set, the settings used and the strong model's pretrained weights to this folder, for the PyTorch twin (bench/twin)" };

        var command = new Command("run", "Train a weak supervisor on half A, label half B with it, train the strong model on those labels and on ground truth, and report PGR.")
        {
            task, data, test, textField, pairField, labelField, weak, strong, loss, seed, seeds, filter, bootstrap, genft, genftTest, select, gold, goldUse, s2s, probe, weakLr, strongLr,
            validation, output, force, json,
        };
        foreach (var option in shared.All) command.Options.Add(option);
        command.Options.Add(exportSplit);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            // Every option and model first, then the data: nothing trains until all of them are good.
            var common = shared.Read(r, r.GetValue(shared.Threads), "--threads", r.GetValue(seeds), r.GetValue(seed), "--seeds", "--seed");
            OptionChecks.LearningRate("--weak-lr", r.GetValue(weakLr));
            OptionChecks.LearningRate("--strong-lr", r.GetValue(strongLr));
            var filterSetting = ParseFilter(r.GetValue(filter));
            var selection = ParseSelection(r.GetValue(select)!);
            var goldBudget = SupervisionOptions.Parse(r.GetValue(gold), r.GetValue(goldUse)!, r.GetResult(goldUse) is { Implicit: false }, selection);
            OptionChecks.Loss("--loss", r.GetValue(loss)!);
            var outDir = r.GetValue(output)!;
            OptionChecks.OutputFolder("--out", outDir, create: false);

            var fields = new JsonlFields(r.GetValue(textField)!, r.GetValue(pairField)!, r.GetValue(labelField)!);
            foreach (var (option, value) in new[] { ("--text-field", fields.Text), ("--pair-field", fields.TextPair), ("--label-field", fields.Label) })
                if (string.IsNullOrWhiteSpace(value)) throw new UserInputException(option, "is empty; give the name of a JSON field");
            var dataFile = r.GetValue(data);
            var testFile = r.GetValue(test);
            if (dataFile is null && testFile is not null) throw new UserInputException("--test", "needs --data (a built-in task has its own test set)");
            if (dataFile is not null && r.GetValue(validation))
                throw new UserInputException("--validation", "is for built-in tasks", "With --data, give a file of training examples only and no --test: the part held out of it is then your validation set.");
            if (dataFile is not null && r.GetResult(task) is { Implicit: false })
                throw new UserInputException("--task", "and --data both name the task; give one", "--task takes a built-in task, --data your own JSONL file.");
            if (dataFile is not null) OptionChecks.DataFile("--data", dataFile);
            if (testFile is not null) OptionChecks.DataFile("--test", testFile);
            if (dataFile is null) OptionChecks.TaskName("--task", r.GetValue(task)!);

            var config = shared.Template(r, common) with
            {
                WeakModel = SupervisionOptions.Weak("--weak", r.GetValue(weak)!), StrongModel = r.GetValue(strong)!, Loss = r.GetValue(loss)!, Seed = common.FirstSeed,
                WeakLearningRate = r.GetValue(weakLr), StrongLearningRate = r.GetValue(strongLr), FilterConfident = filterSetting,
                Bootstrap = r.GetValue(bootstrap), GenerativeFinetuning = r.GetValue(genft), GenerativeIncludesTestInputs = r.GetValue(genftTest),
                Selection = selection, Gold = goldBudget, StrongToStrong = SupervisionOptions.Rounds("--s2s", r.GetValue(s2s)),
                Probe = r.GetValue(probe) is { } p ? SupervisionOptions.ParseProbe("--probe", p) : null,
            };
            if (config.GenerativeIncludesTestInputs && !config.GenerativeFinetuning)
                throw new UserInputException("--genft-include-test", "needs --genft");
            foreach (var member in config.Ensemble?.Members.Select(m => m.Model).Distinct() ?? [config.WeakModel]) OptionChecks.Model("--weak", member, common.Threads);
            if (config.Gold is not null && config.Probe is not null)
                throw new UserInputException("--probe", "does not combine with --gold", "Compare them as separate runs.");
            if (config.Probe is not null) SupervisionOptions.ProbeStudent("--probe", config.StrongModel);
            if (config.Gold is not null && config.BootstrapChain().Count > 0)
                throw new UserInputException("--gold", "does not combine with --bootstrap", "Give the student its gold labels without a bootstrapping chain.");
            OptionChecks.Model("--strong", config.StrongModel, common.Threads);
            foreach (var link in config.BootstrapChain()) OptionChecks.Model("--bootstrap", link, common.Threads);
            if (config.Bootstrap is not null && config.BootstrapChain().Count == 0)
                throw new UserInputException("--bootstrap", "names no models", "Give intermediate models, weakest first, e.g. --bootstrap minilm-l2,minilm-l4.");
            if (config.GenerativeFinetuning) OptionChecks.GenerativeBody("--genft", config.StrongModel);
            config = config.Resolved();

            var taskData = dataFile is null
                ? Via("--task", () => BuiltinTasks.Load(r.GetValue(task)!))
                : TaskLoader.LoadFile(dataFile, testFile, fields);
            if (r.GetValue(validation))
            {
                if (taskData.Test is null) throw new UserInputException("--validation", $"task {taskData.Name} has no test set of its own: the part held out of its pool is already what a run scores",
                    "Run it without --validation.");
                taskData = taskData.ValidationTask();
            }
            DataChecks.Warn(taskData);
            foreach (var (option, model) in (config.Ensemble?.Members.Select(m => ("--weak", m.Model)).Distinct() ?? [("--weak", config.WeakModel)]).Append(("--strong", config.StrongModel))
                         .Concat(config.BootstrapChain().Select(m => ("--bootstrap", m))))
                Via(option, () => InputKinds.Require(model, WeakToStrong.Models.ModelCatalog.Get(model).Inputs, taskData.Name, taskData.Inputs));
            string source = dataFile ?? $"task {taskData.Name}";
            int seedCount = common.Seeds;
            var prepared = new Dictionary<int, (ExperimentSplit Split, DataReport Report)>();
            var warned = new HashSet<string>();
            for (int s = config.Seed; s < config.Seed + seedCount; s++)
            {
                prepared[s] = TaskPreparation.Prepare(taskData, s, common.MaxTrain, common.MaxTest);
                DataChecks.Measurable(prepared[s].Report, source, common.MaxTrain, common.MaxTest, warned);
            }
            // A top probability lies in [1/K, 1], so a window covering all of it leaves the student nothing.
            if (config.FilterConfident is { } window && window.Low <= 1.0 / taskData.ClassCount && window.High >= 1)
                throw new UserInputException("--filter-confident", $"{window.Low},{window.High} drops every weak label (with {taskData.ClassCount} classes " +
                                             $"the top probability always lies in [{1.0 / taskData.ClassCount:G3}, 1])", "Narrow the range, e.g. 0.5,0.75.");
            int slices = config.BootstrapChain().Count + 1, smallestB = prepared.Values.Min(p => p.Report.TrainB);
            if (slices > 1 && smallestB / slices < DataChecks.MinHalf / 2)
                throw new UserInputException("--bootstrap", $"{slices - 1} intermediate models cut half B ({smallestB} examples) into slices of fewer than {DataChecks.MinHalf / 2}",
                    "Use fewer intermediate models or more data.");
            if (config.Gold is { } budget) SupervisionOptions.Check(budget, smallestB, taskData.ClassCount);
            if (r.GetValue(exportSplit) is not null) { TorchRuntime.Initialize(common.Threads); SplitExport.Check(config, seedCount, taskData.Inputs); }

            bool quiet = r.GetValue(json);
            var results = new List<ExperimentResult>();
            for (int s = config.Seed; s < config.Seed + seedCount; s++)
            {
                var seeded = config with { Seed = s };
                var (split, report) = prepared[s];
                var folder = new RunFolder(InsideOut(outDir, RunName(report, seeded)));
                TorchRuntime.Initialize(common.Threads);
                if (!quiet) Console.Error.WriteLine($"w2s: {report.Task}: A {report.TrainA}, B {report.TrainB}, test {report.Test}; {seeded.WeakModel} → {seeded.StrongModel}, loss {seeded.Loss}, seed {s}");
                // Stages are cached beside the run folders: a rerun, or a run that differs only in the student, reuses them.
                var cache = r.GetValue(force) ? null : new WeakToStrong.Sweeps.StageCache(Path.Combine(outDir, "cache"));
                var (result, weakLabels, weakCorrect) = Experiment.Run(split, report, seeded, new ConsoleProgress(quiet), cache);
                folder.Save(result, weakLabels, weakCorrect);
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
                var summaryFile = InsideOut(outDir, RunName(results[0].Data, config, $"seeds{config.Seed}-{config.Seed + seedCount - 1}") + ".json");
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
        // hf:/path/to/folder names hold separators, and so may a task named after a file: keep the folder name flat.
        static string Flat(string name) => string.Concat(name.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '.' ? ch : '_'));
        return $"{Flat(data.Task)}_{Flat(c.WeakModel)}_to_{Flat(c.StrongModel)}_{c.Loss}_{hash}_{seedPart ?? $"seed{c.Seed}"}";
    }

    /// <summary>A path under --out; anything that would land elsewhere is a bug, not a user's choice.</summary>
    private static string InsideOut(string outDir, string name)
    {
        var root = Path.GetFullPath(outDir);
        var path = Path.GetFullPath(Path.Combine(root, name));
        if (!path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidOperationException($"run output {path} would lie outside --out {root}");
        return Path.Combine(outDir, name);
    }

    private static T Via<T>(string option, Func<T> load)
    {
        try { return load(); }
        catch (UserInputException e) when (e.Subject.Length == 0) { throw e.Via(option); }
    }

    private static void Via(string option, Action check) => Via(option, () => { check(); return 0; });

    private static CheckpointCriterion ParseSelection(string text) => text switch
    {
        "final" => CheckpointCriterion.Final,
        "weak" => CheckpointCriterion.WeakAgreement,
        "oracle" => CheckpointCriterion.OracleTestAccuracy,
        _ => throw new UserInputException("--select", $"takes final, weak or oracle, not '{text}'"),
    };

    private static ConfidenceFilter? ParseFilter(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',');
        if (parts.Length == 2 && double.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var low)
            && double.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var high) && 0 <= low && low <= high && high <= 1)
            return new ConfidenceFilter(low, high);
        throw new UserInputException("--filter-confident", $"takes LOW,HIGH with 0 <= LOW <= HIGH <= 1, e.g. 0.5,0.75, not '{text}'");
    }
}
