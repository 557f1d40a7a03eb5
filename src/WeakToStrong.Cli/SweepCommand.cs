using System.CommandLine;
using Spectre.Console;
using WeakToStrong.Data;
using WeakToStrong.Protocol;
using WeakToStrong.Results;
using WeakToStrong.Sweeps;
using WeakToStrong.Training;

namespace WeakToStrong.Cli;

/// <summary>`w2s sweep`: a grid of experiments through the stage cache, into the results store.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var tasks = new Option<string>("--tasks") { Description = "Comma-separated built-in tasks (see `w2s tasks`) or JSONL files", DefaultValueFactory = _ => BuiltinTasks.DefaultTask };
        var models = new Option<string>("--models") { Description = "The model ladder, comma-separated (ordered weakest first); every pair weak < strong is run", DefaultValueFactory = _ => "bow,minilm-l1,minilm-l2,minilm-l4,minilm-l6" };
        var losses = new Option<string>("--losses") { Description = "Student losses, comma-separated (see `w2s losses`)", DefaultValueFactory = _ => "xent,logconf" };
        var seeds = new Option<int>("--seeds") { Description = "Number of seeds (split and training), consecutive from --first-seed", DefaultValueFactory = _ => 2 };
        var firstSeed = new Option<int>("--first-seed") { Description = "First seed", DefaultValueFactory = _ => 0 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Also run bootstrapping with up to this many intermediate ladder models per pair (the paper: 2); 0 = off", DefaultValueFactory = _ => 0 };
        var genft = new Option<bool>("--genft") { Description = "Also run generative finetuning (masked LM on the task's texts) of each transformer student and ceiling" };
        var maxTrain = new Option<int?>("--max-train") { Description = "Use at most this many training-pool examples (A+B)" };
        var maxTest = new Option<int?>("--max-test") { Description = "Use at most this many test examples" };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => 2 };
        var microBatch = new Option<int>("--micro-batch") { Description = "Micro-batch size (batch 32 is split to save memory)", DefaultValueFactory = _ => 32 };
        var probe = new Option<bool>("--linear-probe") { Description = "Freeze the transformers and train only their heads" };
        var minGap = new Option<double>("--min-gap") { Description = "PGR is undefined below this ceiling-weak gap", DefaultValueFactory = _ => WeakToStrong.Metrics.Pgr.DefaultMinGap };
        var threads = new Option<int>("--threads") { Description = "Torch threads", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string>("--out") { Description = "Results folder: cache/, results.sqlite, results.csv, results.json", DefaultValueFactory = _ => "results" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan and its estimated cost, run nothing" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output: JSON lines of progress events and a final summary on stdout" };

        var command = new Command("sweep", "Run every pair weak < strong of a model ladder over tasks, losses and seeds; resumable (stages are cached), results in SQLite/CSV/JSON.")
        {
            tasks, models, losses, seeds, firstSeed, bootstrap, genft, maxTrain, maxTest, epochs, microBatch, probe, minGap, threads, output, dryRun, json,
        };
        command.SetAction(r => CliErrors.Guard(() =>
        {
            var config = new SweepConfig(List(r.GetValue(tasks)!), List(r.GetValue(models)!), List(r.GetValue(losses)!), r.GetValue(seeds),
                r.GetValue(firstSeed), r.GetValue(bootstrap), r.GetValue(genft), r.GetValue(maxTrain), r.GetValue(maxTest), r.GetValue(epochs),
                r.GetValue(microBatch), r.GetValue(minGap), r.GetValue(probe));
            var plan = SweepPlan.Create(config, LoadTask);
            var folder = r.GetValue(output)!;
            var cache = new StageCache(Path.Combine(folder, "cache"));
            bool quiet = r.GetValue(json);
            if (r.GetValue(dryRun))
            {
                PrintPlan(plan, cache, quiet);
                return;
            }
            TorchRuntime.Initialize(r.GetValue(threads));
            var store = new ResultStore(Path.Combine(folder, "results.sqlite"));
            var console = new SweepConsole(quiet);
            var outcome = new SweepRunner(cache, store).Run(plan, console, console);
            var files = store.Export(folder);
            if (quiet)
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                {
                    @event = "Summary", stages = outcome.Total, executed = outcome.Executed, cached = outcome.Cached, experiments = outcome.Experiments,
                    seconds = Math.Round(outcome.Elapsed.TotalSeconds, 1), store = store.Path, exports = files,
                }));
            else
            {
                Console.Error.WriteLine($"sweep finished: {outcome.Total} stages ({outcome.Executed} computed now, {outcome.Cached} from the cache), " +
                                        $"{outcome.Experiments} experiments, {SweepConsole.Format(outcome.Elapsed)}");
                Console.Error.WriteLine($"results: {store.Path}; {string.Join(", ", files)}");
                Console.Error.WriteLine($"figures: w2s report {folder}");
            }
        }));
        return command;
    }

    private static void PrintPlan(SweepPlan plan, StageCache cache, bool json)
    {
        var rows = plan.Stages.Select(s => (Stage: s, Cached: cache.Contains(s), Seconds: CostModel.Seconds(s, plan.DataOf(s)))).ToList();
        double left = rows.Where(x => !x.Cached).Sum(x => x.Seconds);
        if (json)
        {
            Console.WriteLine(Json.Serialize(new
            {
                ladder = plan.Ladder, experiments = plan.Cells.Count, notes = plan.Notes, estimatedSecondsLeft = Math.Round(left),
                estimateNote = "rough estimate from model size and example counts",
                stages = rows.Select(x => new { stage = x.Stage.Describe(), kind = x.Stage.Kind.ToString(), key = x.Stage.Key, cached = x.Cached, estimatedSeconds = Math.Round(x.Seconds, 1) }),
            }));
            return;
        }
        var c = plan.Config;
        AnsiConsole.MarkupLine($"[bold]Sweep plan[/]: tasks {Markup.Escape(string.Join(", ", c.Tasks))}; ladder {Markup.Escape(string.Join(" < ", plan.Ladder))}; " +
                               $"losses {Markup.Escape(string.Join(", ", c.Losses))}; seeds {c.FirstSeed}..{c.FirstSeed + c.Seeds - 1}");
        foreach (var ((task, seed), data) in plan.Data)
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(task)} seed {seed}: A {data.Report.TrainA}, B {data.Report.TrainB}, test {data.Report.Test}[/]");
        var table = new Table().Border(TableBorder.Rounded).AddColumns("stage", "cached", "estimated");
        foreach (var (stage, cached, seconds) in rows)
            table.AddRow(Markup.Escape(stage.Describe()), cached ? "yes" : "", cached ? "-" : $"{seconds:F0} s");
        AnsiConsole.Write(table);
        var byKind = rows.GroupBy(x => x.Stage.Kind).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
        AnsiConsole.MarkupLine($"{plan.Cells.Count} experiments from {rows.Count} stages ({string.Join(", ", byKind)}); {rows.Count(x => x.Cached)} already cached.");
        foreach (var note in plan.Notes) AnsiConsole.MarkupLine($"[grey]note: {Markup.Escape(note)}[/]");
        AnsiConsole.MarkupLine($"[bold]Estimated time left: {SweepConsole.Format(TimeSpan.FromSeconds(left))}[/] (a rough estimate from model size and example counts; " +
                               "it depends on text length, threads and machine load)");
    }

    private static TaskData LoadTask(string name) =>
        !name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? BuiltinTasks.Load(name)
        : PreferenceDataset.IsPreferenceFile(name) ? PreferenceDataset.LoadTask(Path.GetFileNameWithoutExtension(name), name)
        : JsonlDataset.LoadTask(Path.GetFileNameWithoutExtension(name), name, null);

    private static IReadOnlyList<string> List(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
