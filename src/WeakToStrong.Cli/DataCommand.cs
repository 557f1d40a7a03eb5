using System.CommandLine;
using WeakToStrong.Data;
using WeakToStrong.Data.Sources;
using WeakToStrong.Data.Tasks;

namespace WeakToStrong.Cli;

/// <summary>`w2s data prepare TASK|--all`: builds the tasks that are not ready from installed source packages.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var data = new Command("data", "Manage task data.");
        var prepare = new Command("prepare", "Build tasks from installed source packages into the data folder (installs nothing; says what to install).");
        var task = new Argument<string?>("task") { Description = "The task to build (see `w2s tasks`)", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Build every task that is not ready" };
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "Where to write prepared tasks (default: $W2S_DATA_DIR, else ~/.cache/w2s/data; `w2s run` reads the same default, " +
                          "so set W2S_DATA_DIR when you choose another folder)",
        };
        var force = new Option<bool>("--force") { Description = "Rebuild even if the task is ready (shipped tasks are rebuilt into the data folder)" };
        prepare.Arguments.Add(task);
        prepare.Options.Add(all);
        prepare.Options.Add(dataDir);
        prepare.Options.Add(force);
        prepare.SetAction(r =>
        {
            int missingCount = 0;
            int code = CliErrors.Guard(() =>
            {
                var name = r.GetValue(task);
                bool everything = r.GetValue(all);
                if (name is null == !everything)
                    throw new UserInputException("w2s data prepare", "give one task name or --all", "`w2s tasks` lists the tasks.");
                var dir = r.GetValue(dataDir) ?? DataPaths.PreparedRoot;
                OptionChecks.OutputFolder(r.GetValue(dataDir) is null ? "W2S_DATA_DIR (the data folder)" : "--data-dir", dir, create: true);
                IReadOnlyList<TaskBuilder> builders = everything
                    ? TaskRegistry.All
                    : [TaskRegistry.Find(name!) ?? throw new UserInputException("<task>",
                        $"unknown task '{name}'", $"Tasks: {string.Join(", ", TaskRegistry.All.Select(b => b.Name))}.")];
                foreach (var b in builders)
                {
                    var status = TaskRegistry.Status(b, dir);
                    if (status.State == TaskState.Ready && !r.GetValue(force))
                    {
                        Console.WriteLine($"{b.Name}: ready ({status.Folder})");
                        continue;
                    }
                    if (b.MissingSource() is { } missing)
                    {
                        missingCount++;
                        Console.Error.WriteLine($"{b.Name}: needs the package {missing.Name} ({missing.Licence}), which is not installed. Install it with:");
                        Console.Error.WriteLine($"    {missing.InstallHint}");
                        continue;
                    }
                    var outDir = Path.Combine(dir, b.Name);
                    var start = DateTime.UtcNow;
                    b.Write(outDir);
                    var loaded = BuiltinTasks.Load(b.Name, dir);
                    Console.WriteLine($"{b.Name}: built in {(DateTime.UtcNow - start).TotalSeconds:F1} s: {loaded.Train.Count} train pool, " +
                                      $"{loaded.Test?.Count ?? 0} test, test majority {Balancer.MajorityRate(loaded.Test ?? []):P1} → {outDir}");
                }
            });
            if (code != 0) return code;
            if (missingCount > 0)
            {
                Console.Error.WriteLine($"w2s: {missingCount} task(s) not built: their source packages are missing (see above). Nothing was installed.");
                return 3;
            }
            return 0;
        });
        data.Subcommands.Add(prepare);
        return data;
    }
}
