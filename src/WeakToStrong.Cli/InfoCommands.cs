using System.CommandLine;
using Spectre.Console;
using WeakToStrong.Data;
using WeakToStrong.Data.Tasks;
using WeakToStrong.Losses;
using WeakToStrong.Models;

namespace WeakToStrong.Cli;

/// <summary>`w2s tasks`, `w2s models`, `w2s losses`: what is available.</summary>
internal static class InfoCommands
{
    public static Command Tasks()
    {
        var command = new Command("tasks", "List the tasks (shipped and buildable) with sizes and whether they are ready.");
        command.SetAction(_ => CliErrors.Guard(() =>
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("task", "K", "train", "test", "major.", "source", "status");
            var listed = new HashSet<string>(StringComparer.Ordinal);
            var hints = new List<string>();
            // One damaged task (a truncated task.json, a bad line) is listed as such; the others are still shown.
            var damaged = new List<string>();
            TaskData? TryLoad(string name)
            {
                try { return BuiltinTasks.Load(name); }
                catch (UserInputException e) { damaged.Add(e.Message); return null; }
            }
            foreach (var b in TaskRegistry.All)
            {
                listed.Add(b.Name);
                var status = TaskRegistry.Status(b);
                if (status.State == TaskState.Ready)
                {
                    if (TryLoad(b.Name) is not { } task)
                    {
                        table.AddRow(b.Name, b.ClassNames.Length.ToString(), "-", "-", "-", Markup.Escape(b.Sources[0].ShortName), "[red]damaged[/]");
                        continue;
                    }
                    table.AddRow(b.Name, task.ClassCount.ToString(), task.Train.Count.ToString(), (task.Test?.Count ?? 0).ToString(),
                        $"{Balancer.MajorityRate(task.Train):P0}", Markup.Escape(b.Sources[0].ShortName), b.Shipped ? "shipped" : "ready");
                }
                else
                {
                    string state;
                    if (status.State == TaskState.Buildable) state = "[yellow]prepare[/]";
                    else
                    {
                        state = "[red]missing[/]";
                        hints.Add($"{b.Name}: {status.Missing!.InstallHint}");
                    }
                    table.AddRow(b.Name, b.ClassNames.Length.ToString(), "-", "-", "-", Markup.Escape(b.Sources[0].ShortName), state);
                }
            }
            foreach (var name in BuiltinTasks.Names().Where(n => !listed.Contains(n)))
            {
                if (TryLoad(name) is not { } task)
                {
                    table.AddRow(Markup.Escape(name), "-", "-", "-", "-", "folder", "[red]damaged[/]");
                    continue;
                }
                table.AddRow(Markup.Escape(name), task.ClassCount.ToString(), task.Train.Count.ToString(), (task.Test?.Count ?? 0).ToString(),
                    $"{Balancer.MajorityRate(task.Train):P0}", "folder", "ready");
            }
            AnsiConsole.Write(table);
            Console.WriteLine("major. = majority-class rate of the training pool (the protocol rebalances above 55%); test sets are balanced.");
            Console.WriteLine($"Prepared tasks: {WeakToStrong.Data.Sources.DataPaths.PreparedRoot}. " +
                              "`w2s data prepare --all` builds those marked prepare; missing = install the source package first:");
            foreach (var h in hints) Console.WriteLine("  " + h);
            if (damaged.Count == 0) return 0;
            Console.Out.Flush();
            foreach (var message in damaged) Console.Error.WriteLine($"w2s: error: {message}");
            return CliErrors.UserError;
        }));
        return command;
    }

    public static Command Models()
    {
        var command = new Command("models", "List the model ladder with parameter counts (loads each model once).");
        command.SetAction(_ => CliErrors.Guard(() =>
        {
            WeakToStrong.Training.TorchRuntime.Initialize(1);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("model", "inputs", "parameters", "layers", "context", "default lr", "min steps", "description", "source");
            foreach (var spec in ModelCatalog.All)
            {
                using var model = (spec.Architecture ?? spec.Create)(2);
                long parameters = model.parameters().Sum(p => p.numel());
                // A body outside torch (ONNX Runtime) is counted from its graph: frozen weights + the trained head.
                if (model is WeakToStrong.Models.Vision.ResNet18Classifier) parameters += WeakToStrong.Models.Vision.ResNet18Features.ParameterCount();
                table.AddRow(spec.Name, spec.Inputs, $"{parameters / 1e6:F2}M", spec.Layers.ToString(), spec.ContextLength == 0 ? "-" : spec.ContextLength.ToString(),
                    spec.Name == "bow" ? "L-BFGS" : $"{spec.DefaultLearningRate:G3}", spec.MinSteps > 0 ? spec.MinSteps.ToString() : "-", Markup.Escape(spec.Description), Markup.Escape(spec.Source));
            }
            AnsiConsole.Write(table);
        }));
        return command;
    }

    public static Command Losses()
    {
        var command = new Command("losses", "List the student losses for --loss.");
        command.SetAction(_ =>
        {
            foreach (var name in LossRegistry.Names) Console.WriteLine($"{name,-20} {LossRegistry.Describe(name)}");
            return 0;
        });
        return command;
    }
}
