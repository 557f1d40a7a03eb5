using System.CommandLine;
using Spectre.Console;
using WeakToStrong.Data;
using WeakToStrong.Protocol;
using WeakToStrong.Results;
using WeakToStrong.Sweeps;
using WeakToStrong.Sweeps.Slurm;
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
        var ensembles = new Option<string?>("--ensembles") { Description = "Also run weak ensembles, comma-separated, members joined by '+' (bow+minilm-l1) or bagK:MODEL (bag5:bow), each supervising every ladder model stronger than all its members" };
        var gold = new Option<string?>("--gold") { Description = "Gold-label budgets, comma-separated (e.g. 0,16,64,256): each K > 0 adds a variant of every experiment whose student gets K ground-truth labels of B, used as --gold-use says" };
        var goldUse = new Option<string>("--gold-use") { Description = "How students use gold labels: mix, platt or select (see `w2s run --help`)", DefaultValueFactory = _ => "mix" };
        var s2s = new Option<int>("--s2s") { Description = "Also run strong-to-strong: a variant of every experiment whose student relabels B and retrains, this many rounds; 0 = off", DefaultValueFactory = _ => 0 };
        var probes = new Option<string?>("--probes") { Description = "Also run embedding-probe variants of every experiment with a transformer student, comma-separated: relabel, filter (see `w2s run --help`)" };
        var output = new Option<string>("--out") { Description = "Results folder: cache/, results.sqlite, results.csv, results.json", DefaultValueFactory = _ => "results" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan and its estimated cost, run nothing" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output: JSON lines of progress events and a final summary on stdout" };
        var executor = new Option<string>("--executor") { Description = "Where stages run: local (this process) or slurm (job arrays via sbatch; see docs/slurm.md)", DefaultValueFactory = _ => "local" };
        executor.AcceptOnlyFromAmong("local", "slurm");
        var partition = new Option<string?>("--partition") { Description = "Slurm partition (sbatch --partition)" };
        var time = new Option<string?>("--time") { Description = "Slurm time limit of each stage (sbatch --time, e.g. 1:00:00)" };
        var cpus = new Option<int>("--cpus-per-task") { Description = "Slurm CPUs of each stage, also its torch threads", DefaultValueFactory = _ => 1 };
        var memory = new Option<string?>("--mem") { Description = "Slurm memory of each stage (sbatch --mem, e.g. 8G)" };
        var sbatch = new Option<string[]>("--sbatch") { Description = "Further sbatch option for every job, repeatable (e.g. --sbatch=--account=abc --sbatch=--gres=gpu:1)", AllowMultipleArgumentsPerToken = false };
        var w2sCommand = new Option<string?>("--w2s") { Description = "How compute nodes start w2s (default: this program; e.g. \"dotnet /shared/w2s/w2s.dll\")" };
        var noWait = new Option<bool>("--no-wait") { Description = "Slurm: submit and return; `w2s status RESULTS` follows the jobs, the same sweep command again collects the results" };

        var shared = new ExperimentOptions();
        var command = new Command("sweep", "Run every pair weak < strong of a model ladder over tasks, losses and seeds; resumable (stages are cached), results in SQLite/CSV/JSON.")
        {
            tasks, models, losses, seeds, firstSeed, bootstrap, genft, ensembles, gold, goldUse, s2s, probes, output, dryRun, json,
            executor, partition, time, cpus, memory, sbatch, w2sCommand, noWait,
        };
        foreach (var option in shared.All) command.Options.Add(option);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            bool slurm = r.GetValue(executor) == "slurm";
            bool dry = r.GetValue(dryRun);
            // Every option first, then the model folders and the data: nothing trains until all of them are good.
            // With Slurm, each stage's torch threads are its CPUs.
            var common = shared.Read(r, slurm ? r.GetValue(cpus) : r.GetValue(shared.Threads), slurm ? "--cpus-per-task" : "--threads",
                r.GetValue(seeds), r.GetValue(firstSeed), "--seeds", "--first-seed");
            OptionChecks.AtLeast("--bootstrap", r.GetValue(bootstrap), 0);
            var config = new SweepConfig(List(r.GetValue(tasks)!), List(r.GetValue(models)!), List(r.GetValue(losses)!), common.Seeds,
                common.FirstSeed, r.GetValue(bootstrap), r.GetValue(genft), common.MaxTrain, common.MaxTest, shared.Template(r, common),
                r.GetValue(ensembles) is { } e ? List(e) : null, r.GetValue(gold) is { } g ? Budgets(g) : null, SupervisionOptions.ParseUse(r.GetValue(goldUse)!),
                SupervisionOptions.Rounds("--s2s", r.GetValue(s2s)),
                r.GetValue(probes) is { } p ? List(p).Select(x => SupervisionOptions.ParseProbe("--probes", x)).Distinct().ToList() : null);
            if (r.GetResult(goldUse) is { Implicit: false } && !(config.Gold ?? []).Any(k => k > 0))
                throw new UserInputException("--gold-use", "needs --gold budgets above 0", "Add e.g. --gold 0,16,64.");
            if (config.Tasks.Count == 0) throw new UserInputException("--tasks", "names no task", "Give built-in task names or .jsonl files, comma-separated.");
            if (config.Models.Count == 0) throw new UserInputException("--models", "names no model", "Give the ladder, weakest first, e.g. --models bow,minilm-l1.");
            if (config.Losses.Count == 0) throw new UserInputException("--losses", "names no loss", "`w2s losses` lists them.");
            foreach (var entry in config.Tasks)
            {
                if (TaskLoader.IsFile(entry)) OptionChecks.DataFile("--tasks", entry);
                else OptionChecks.TaskName("--tasks", entry);
            }
            foreach (var loss in config.Losses) OptionChecks.Loss("--losses", loss);
            var folder = slurm ? Path.GetFullPath(r.GetValue(output)!) : r.GetValue(output)!;
            OptionChecks.OutputFolder("--out", folder, create: false);
            foreach (var model in config.Models) OptionChecks.Model("--models", model, common.Threads);
            // The sweep finetunes every transformer of the ladder generatively: each must be a BERT body.
            if (config.Generative)
                foreach (var model in config.Models.Where(m => WeakToStrong.Models.ModelCatalog.Get(m) is { Layers: > 0, FrozenBody: false }))
                    OptionChecks.GenerativeBody("--genft", model);

            var plan = SweepPlan.Create(config, entry =>
            {
                var task = LoadTask(entry);
                DataChecks.Warn(task);
                return task;
            });
            var warned = new HashSet<string>();
            foreach (var ((task, _), data) in plan.Data)
                DataChecks.Measurable(data.Report, TaskLoader.IsFile(task) ? task : $"task {task}", common.MaxTrain, common.MaxTest, warned);
            var cache = new StageCache(Path.Combine(folder, "cache"));
            bool quiet = r.GetValue(json);
            if (dry)
            {
                PrintPlan(plan, cache, quiet, slurm);
                return 0;
            }
            SweepManifest.Of(plan, ["w2s", .. Environment.GetCommandLineArgs().Skip(1)], slurm ? "slurm" : "local").Save(folder);
            // The store mirrors the cache: a damaged one is moved aside and rebuilt, as docs/sweeps.md promises.
            var store = ResultStore.OpenOrReplace(Path.Combine(folder, "results.sqlite"), m => Console.Error.WriteLine("w2s: warning: " + m));
            var console = new SweepConsole(quiet);
            SlurmExecutor? cluster = null;
            ISweepExecutor runner;
            if (slurm)
            {
                var options = new SlurmOptions(r.GetValue(w2sCommand) is { } given ? List(given, ' ') : ThisProgram(), r.GetValue(partition), r.GetValue(time),
                    r.GetValue(cpus), r.GetValue(memory), r.GetValue(sbatch) ?? []);
                runner = cluster = new SlurmExecutor(folder, options, store) { Wait = !r.GetValue(noWait) };
            }
            else
            {
                if (new Option[] { partition, time, memory, sbatch, w2sCommand, noWait }.Any(o => r.GetResult(o) is { Implicit: false }))
                    Console.Error.WriteLine("w2s: note: --partition, --time, --mem, --sbatch, --w2s and --no-wait apply only with --executor slurm");
                TorchRuntime.Initialize(common.Threads);
                runner = new SweepRunner(cache, store);
            }
            var outcome = runner.Run(plan, console, console);
            bool waited = cluster is null || cluster.Wait;
            var files = waited ? store.Export(folder) : [];
            var jobs = cluster?.Submission?.Arrays.Select(a => new { array = a.Index, name = a.Name, level = a.Level, jobId = a.JobId, stages = a.Keys.Count }).ToList();
            if (quiet)
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                {
                    @event = "Summary", stages = outcome.Total, executed = outcome.Executed, cached = outcome.Cached, missing = outcome.Missing,
                    experiments = outcome.Experiments, seconds = Math.Round(outcome.Elapsed.TotalSeconds, 1), store = store.Path, exports = files,
                    executor = slurm ? "slurm" : "local", submission = cluster?.Submission?.Number, submissionFolder = cluster?.Submission?.Folder, jobs,
                }));
            else if (!waited)
            {
                Console.Error.WriteLine($"submitted {outcome.Missing} of {outcome.Total} stages ({outcome.Cached} from the cache); " +
                                        $"follow them with `w2s status {folder}`; when they have ended, the same sweep command collects the results " +
                                        "(and resubmits only what failed)");
            }
            else
            {
                string computedBy = slurm ? "computed by Slurm jobs now" : "computed now";
                Console.Error.WriteLine($"sweep finished: {outcome.Total} stages ({outcome.Executed} {computedBy}, {outcome.Cached} from the cache), " +
                                        $"{outcome.Experiments} experiments, {SweepConsole.Format(outcome.Elapsed)}");
                Console.Error.WriteLine($"results: {store.Path}; {string.Join(", ", files)}");
                Console.Error.WriteLine($"figures: w2s report {folder}");
            }
            if (waited && outcome.Missing > 0)
            {
                Console.Error.WriteLine($"w2s: {outcome.Missing} stage(s) did not finish: `w2s status {folder}` lists them with their logs; " +
                                        "the same sweep command resubmits only them");
                return 1;
            }
            return 0;
        }));
        return command;
    }

    /// <summary>How to start this very program on a compute node: the apphost, or `dotnet w2s.dll`.</summary>
    private static IReadOnlyList<string> ThisProgram()
    {
        var process = Environment.ProcessPath ?? throw new UserInputException("--w2s", "is needed here: this program cannot tell its own path");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, typeof(SweepCommand).Assembly.Location] : [process];
    }

    private static void PrintPlan(SweepPlan plan, StageCache cache, bool json, bool slurm)
    {
        var rows = plan.Stages.Select(s => (Stage: s, Cached: cache.Contains(s), Seconds: CostModel.Seconds(s, plan.DataOf(s)))).ToList();
        double left = rows.Where(x => !x.Cached).Sum(x => x.Seconds);
        // What --executor slurm would submit (before sbatch: earlier jobs still queued are not checked here).
        var arrays = slurm ? SlurmArray.Plan(rows.Where(x => !x.Cached).Select(x => x.Stage).ToList()) : null;
        if (json)
        {
            Console.WriteLine(Json.Serialize(new
            {
                ladder = plan.Ladder, experiments = plan.Cells.Count, notes = plan.Notes, estimatedSecondsLeft = Math.Round(left),
                estimateNote = "for 2 threads on an idle machine, from each stage's steps, tokens and layers",
                stages = rows.Select(x => new { stage = x.Stage.Describe(), kind = x.Stage.Kind.ToString(), key = x.Stage.Key, cached = x.Cached, estimatedSeconds = Math.Round(x.Seconds, 1) }),
                slurmArrays = arrays?.Select(a => new { name = a.Name, level = a.Level, stages = a.Keys.Count, dependsOn = a.DependsOn }),
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
        if (arrays is not null)
            AnsiConsole.MarkupLine(arrays.Count == 0 ? "Slurm: nothing to submit." : $"Slurm: {arrays.Count} job array(s): " + string.Join(", ", arrays.Select(a =>
                $"{a.Name} ({a.Keys.Count} stage{(a.Keys.Count == 1 ? "" : "s")}{(a.DependsOn.Count > 0 ? $", after {string.Join(" and ", a.DependsOn.Select(i => arrays[i].Name))}" : "")})")));
        AnsiConsole.MarkupLine($"[bold]Estimated time left: {SweepConsole.Format(TimeSpan.FromSeconds(left))}[/] (for 2 threads on an idle machine, from each stage's " +
                               "steps, tokens and layers; docs/sweeps.md compares it with measured stages)");
    }

    /// <summary>A --tasks entry: a JSONL file or a built-in task. (The plan names the task by the entry as given.)</summary>
    internal static TaskData LoadTask(string entry)
    {
        try { return TaskLoader.Load(entry); }
        catch (UserInputException e) when (e.Subject.Length == 0) { throw e.Via("--tasks"); }
    }

    private static IReadOnlyList<int> Budgets(string text) => List(text).Select(k =>
        int.TryParse(k, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) ? v
            : throw new UserInputException("--gold", $"takes budgets (numbers of gold labels) separated by commas, e.g. 0,16,64, not '{text}'")).ToList();

    private static IReadOnlyList<string> List(string text, char separator = ',') =>
        text.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
