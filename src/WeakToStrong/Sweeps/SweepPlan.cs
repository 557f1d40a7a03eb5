using WeakToStrong.Data;
using WeakToStrong.Models;
using WeakToStrong.Protocol;

namespace WeakToStrong.Sweeps;

/// <summary>A task's split for one seed, with what the preparation changed.</summary>
internal sealed record PreparedData(ExperimentSplit Split, DataReport Report);

/// <summary>
/// The stages of a sweep, as the paper plans them: per task and seed, each model trained on ground truth once as a
/// weak supervisor (half A; for every model with a larger one) and once as a ceiling (half B; every model), then one
/// student per pair weak &lt; strong, loss and variant. Equal stages of different experiments are planned once.
/// </summary>
public sealed class SweepPlan
{
    private SweepPlan(SweepConfig config, IReadOnlyList<string> ladder, IReadOnlyList<SweepCell> cells, IReadOnlyList<StageSpec> stages,
        IReadOnlyDictionary<(string, int), PreparedData> data, IReadOnlyList<string> notes)
    {
        Config = config;
        Ladder = ladder;
        Cells = cells;
        Stages = stages;
        Data = data;
        Notes = notes;
    }

    public SweepConfig Config { get; }

    /// <summary>The sweep's models, weakest first (catalog order).</summary>
    public IReadOnlyList<string> Ladder { get; }

    public IReadOnlyList<SweepCell> Cells { get; }

    /// <summary>Every distinct stage, in an order that runs each after its labeller and keeps a model's stages together.</summary>
    public IReadOnlyList<StageSpec> Stages { get; }

    internal IReadOnlyDictionary<(string Task, int Seed), PreparedData> Data { get; }

    /// <summary>What the plan left out and why.</summary>
    public IReadOnlyList<string> Notes { get; }

    internal PreparedData DataOf(StageSpec stage) => Data[(stage.Task, stage.Seed)];

    public static SweepPlan Create(SweepConfig config, Func<string, TaskData> loadTask)
    {
        if (config.Tasks.Count == 0) throw new UserInputException("--tasks", "a sweep needs at least one task");
        if (config.Losses.Count == 0) throw new UserInputException("--losses", "a sweep needs at least one loss");
        if (config.Seeds < 1) throw new UserInputException("--seeds", "must be at least 1");
        if (config.Bootstrap < 0) throw new UserInputException("--bootstrap", "must be 0 or more");
        foreach (var loss in config.Losses)
        {
            try { Losses.LossRegistry.Create(loss); }
            catch (UserInputException e) { throw e.Via("--losses"); }
        }
        var ladder = OrderLadder(config.Models);
        if (config.Tasks.Distinct().Count() != config.Tasks.Count) throw new UserInputException("--tasks", "a task is listed twice");

        var ensembles = Ensembles(config.Ensembles ?? []);
        var budgets = Budgets(config.Gold ?? []);
        var notes = new List<string>();
        var cells = new List<SweepCell>();
        var data = new Dictionary<(string, int), PreparedData>();
        var standalone = new List<StageSpec>();
        foreach (var taskName in config.Tasks)
        {
            var task = loadTask(taskName);
            foreach (var m in ladder)
            {
                try { InputKinds.Require(m, ModelCatalog.Get(m).Inputs, taskName, task.Inputs); }
                catch (UserInputException e) { throw e.Via("--models"); }
            }
            for (int seed = config.FirstSeed; seed < config.FirstSeed + config.Seeds; seed++)
            {
                var (split, report) = TaskPreparation.Prepare(task, seed, config.MaxTrain, config.MaxTest);
                data[(taskName, seed)] = new PreparedData(split, report);
                if (budgets.Count > 0 && budgets.Max() > report.TrainB)
                    throw new UserInputException("--gold", $"asks for {budgets.Max()} gold labels, but half B of {taskName} (seed {seed}) has {report.TrainB} examples",
                        $"Give budgets of at most {report.TrainB}, or use more data.");
                if (budgets.Count > 0 && config.GoldUse == GoldUse.Platt && task.ClassCount != 2)
                    throw new UserInputException("--gold-use", $"platt calibrates two-class weak labels; {taskName} has {task.ClassCount} classes", "Use --gold-use mix or select.");
                ExperimentConfig Experiment(string weak, string strong, string loss) => config.Experiment(weak, strong, loss, seed);
                ExperimentPlan PlanOf(ExperimentConfig c) => Protocol.Experiment.Plan(c, taskName, split.Fingerprint);

                // Each model's ceiling, also the smallest's (it is never a student, but it completes the ceiling curve).
                foreach (var model in ladder)
                {
                    standalone.Add(PlanOf(Experiment(ladder[0], model, config.Losses[0])).Ceiling);
                    if (config.Generative && IsTransformer(model))
                        standalone.Add(PlanOf(Experiment(ladder[0], model, config.Losses[0]) with { GenerativeFinetuning = true }).Ceiling);
                }
                int first = cells.Count;
                for (int w = 0; w < ladder.Count; w++)
                for (int s = w + 1; s < ladder.Count; s++)
                foreach (var loss in config.Losses)
                {
                    var plain = Experiment(ladder[w], ladder[s], loss);
                    cells.Add(new SweepCell(taskName, seed, SweepCell.Plain, PlanOf(plain)));
                    if (config.Generative && IsTransformer(ladder[s]))
                        cells.Add(new SweepCell(taskName, seed, SweepCell.Genft, PlanOf(plain with { GenerativeFinetuning = true })));
                    var chain = Intermediates(ladder, w, s, config.Bootstrap);
                    if (chain.Count > 0)
                        cells.Add(new SweepCell(taskName, seed, SweepCell.Bootstrapped, PlanOf(plain with { Bootstrap = string.Join(",", chain) })));
                }
                // Weak ensembles supervise every ladder model stronger than all their members.
                foreach (var (weak, ensemble) in ensembles)
                foreach (var strong in ladder.Where(m => ModelCatalog.IndexOf(m) > ensemble.Members.Max(e => ModelCatalog.IndexOf(e.Model))))
                foreach (var loss in config.Losses)
                    cells.Add(new SweepCell(taskName, seed, SweepCell.Plain, PlanOf(Experiment(weak, strong, loss))));
                // Gold-label budgets and strong-to-strong rounds: variants of each plain experiment (sharing its weak and ceiling).
                foreach (var cell in cells.Skip(first).Where(c => c.Variant == SweepCell.Plain).ToList())
                {
                    foreach (var k in budgets)
                    {
                        var gold = new GoldBudget(k, config.GoldUse);
                        cells.Add(new SweepCell(taskName, seed, SweepCell.GoldVariant(gold), PlanOf(cell.Plan.Config with { Gold = gold })));
                    }
                    if (ModelCatalog.Get(cell.Plan.Config.StrongModel) is { Layers: > 0 })
                        foreach (var probe in config.Probes ?? [])
                            cells.Add(new SweepCell(taskName, seed, $"probe-{probe.ToString().ToLowerInvariant()}", PlanOf(cell.Plan.Config with { Probe = probe })));
                    if (config.StrongToStrong > 0)
                        cells.Add(new SweepCell(taskName, seed, SweepCell.StrongToStrong, PlanOf(cell.Plan.Config with { StrongToStrong = config.StrongToStrong })));
                }
            }
        }
        if (config.Generative && ladder.Any(m => !IsTransformer(m)))
            notes.Add($"generative finetuning needs a transformer: no genft variant for students {string.Join(", ", ladder.Where(m => !IsTransformer(m)))}");
        if (config.Bootstrap > 0)
            notes.Add($"bootstrapping: up to {config.Bootstrap} intermediate ladder model(s) per pair; adjacent pairs have none");

        var order = ladder.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i);
        var taskOrder = config.Tasks.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i);
        var stages = standalone.Concat(cells.SelectMany(c => c.Plan.Stages))
            .DistinctBy(s => s.Key)
            .OrderBy(s => taskOrder[s.Task]).ThenBy(s => s.Seed)
            .ThenBy(s => s.Kind switch { StageKind.Weak => 0, StageKind.Ensemble => 1, StageKind.Link => 2, _ => 3 })
            .ThenBy(s => s.Kind == StageKind.Link ? s.Slice : 0)
            .ThenBy(s => s.StudentRound())
            .ThenBy(s => order.GetValueOrDefault(s.Model, int.MaxValue))
            .ThenBy(s => s.Generative) // a model's genft stages next to each other: finetuned once per process
            .ThenBy(s => s.Kind == StageKind.Ceiling ? 0 : 1)
            .ToList();
        return new SweepPlan(config, ladder, cells, stages, data, notes);
    }

    /// <summary>The --ensembles entries, each an ensemble of catalog models.</summary>
    private static IReadOnlyList<(string Weak, WeakEnsemble Ensemble)> Ensembles(IReadOnlyList<string> entries)
    {
        var parsed = new List<(string, WeakEnsemble)>();
        foreach (var entry in entries)
        {
            var ensemble = WeakEnsemble.Parse(entry, "--ensembles")
                ?? throw new UserInputException("--ensembles", $"'{entry}' names one model", "Join two or more members with '+', e.g. bow+minilm-l1, or write bag5:bow.");
            foreach (var member in ensemble.Members)
            {
                try { ModelCatalog.Get(member.Model); }
                catch (UserInputException e) { throw e.Via("--ensembles"); }
            }
            parsed.Add((WeakEnsemble.Canonical(entry), ensemble));
        }
        return parsed;
    }

    /// <summary>The --gold budgets above 0 (0 is the plain experiment, always run).</summary>
    private static IReadOnlyList<int> Budgets(IReadOnlyList<int> budgets)
    {
        if (budgets.FirstOrDefault(k => k < 0) is var bad && bad < 0) throw new UserInputException("--gold", $"budgets are 0 or more gold labels, not {bad}");
        if (budgets.Distinct().Count() != budgets.Count) throw new UserInputException("--gold", "a budget is listed twice");
        return budgets.Where(k => k > 0).ToList();
    }

    /// <summary>The named models in catalog (ladder) order; at least two, each once.</summary>
    public static IReadOnlyList<string> OrderLadder(IReadOnlyList<string> models)
    {
        foreach (var m in models)
        {
            try { ModelCatalog.Get(m); }
            catch (UserInputException e) { throw e.Via("--models"); }
        }
        if (models.Distinct().Count() != models.Count) throw new UserInputException("--models", "a model is listed twice");
        if (models.Count < 2) throw new UserInputException("--models", "a sweep needs at least two models (a weak and a strong one)");
        return models.OrderBy(ModelCatalog.IndexOf).ToList();
    }

    /// <summary>At most <paramref name="max"/> models strictly between w and s, evenly spread (the paper: 2 for 3 steps).</summary>
    internal static IReadOnlyList<string> Intermediates(IReadOnlyList<string> ladder, int w, int s, int max)
    {
        var between = ladder.Skip(w + 1).Take(s - w - 1).ToList();
        if (max <= 0 || between.Count == 0) return [];
        if (between.Count <= max) return between;
        return Enumerable.Range(1, max).Select(j => between[(int)Math.Round(j * (between.Count + 1.0) / (max + 1)) - 1]).Distinct().ToList();
    }

    /// <summary>A pretrained body that training can change (a frozen ONNX body, like resnet18's, cannot be generatively finetuned).</summary>
    private static bool IsTransformer(string model) => ModelCatalog.Get(model) is { Layers: > 0, FrozenBody: false };
}
