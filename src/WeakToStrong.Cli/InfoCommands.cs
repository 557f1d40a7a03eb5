using System.CommandLine;
using Spectre.Console;
using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Models;

namespace WeakToStrong.Cli;

/// <summary>`w2s tasks`, `w2s models`, `w2s losses`: what is available.</summary>
internal static class InfoCommands
{
    public static Command Tasks()
    {
        var command = new Command("tasks", "List the built-in tasks with their sizes.");
        command.SetAction(_ => CliErrors.Guard(() =>
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("task", "classes", "train pool", "test", "source");
            foreach (var name in BuiltinTasks.Names())
            {
                var task = BuiltinTasks.Load(name);
                table.AddRow(name, string.Join(" / ", task.ClassNames), task.Train.Count.ToString(), (task.Test?.Count ?? 0).ToString(),
                    Markup.Escape(task.Provenance));
            }
            AnsiConsole.Write(table);
        }));
        return command;
    }

    public static Command Models()
    {
        var command = new Command("models", "List the model ladder with parameter counts (loads each model once).");
        command.SetAction(_ => CliErrors.Guard(() =>
        {
            WeakToStrong.Training.TorchRuntime.Initialize(1);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("model", "parameters", "layers", "context", "default lr", "description", "source");
            foreach (var spec in ModelCatalog.All)
            {
                using var model = spec.Create(2);
                long parameters = model.parameters().Sum(p => p.numel());
                table.AddRow(spec.Name, $"{parameters / 1e6:F2}M", spec.Layers.ToString(), spec.ContextLength == 0 ? "-" : spec.ContextLength.ToString(),
                    $"{spec.DefaultLearningRate:G3}", Markup.Escape(spec.Description), Markup.Escape(spec.Source));
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
