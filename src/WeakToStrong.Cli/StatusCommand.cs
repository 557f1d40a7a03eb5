using System.CommandLine;
using Spectre.Console;
using WeakToStrong.Results;
using WeakToStrong.Sweeps;
using WeakToStrong.Sweeps.Slurm;

namespace WeakToStrong.Cli;

/// <summary>`w2s status RESULTS`: each stage of the folder's last sweep: done, running, queued, failed (with its log) or not run.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("results") { Description = "Results folder of `w2s sweep --out`" };
        var json = new Option<bool>("--json") { Description = "One JSON object: counts and every stage's state" };
        var all = new Option<bool>("--all") { Description = "List finished stages too (by default only the others)" };
        var command = new Command("status", "Which stages of a sweep are done, running, queued in Slurm, failed (with the log path) or not run yet.")
        {
            folder, json, all,
        };
        command.SetAction(r => CliErrors.Guard(() =>
        {
            var dir = r.GetValue(folder)!;
            var manifest = SweepManifest.Load(dir);
            var stages = SweepStatus.Of(dir, SlurmSubmission.All(dir).Count > 0 ? new SlurmClient() : null);
            var counts = Enum.GetValues<StageState>().ToDictionary(s => s, s => stages.Count(x => x.State == s));
            bool complete = counts[StageState.Done] == stages.Count;
            if (r.GetValue(json))
            {
                Console.WriteLine(Json.Serialize(new
                {
                    total = stages.Count, counts = counts.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value), complete,
                    command = string.Join(" ", manifest.Command.Select(SlurmScript.Quote)), stages,
                }));
                return;
            }
            var shown = r.GetValue(all) ? stages : stages.Where(s => s.State != StageState.Done).ToList();
            if (shown.Count > 0)
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("stage", "state", "job", "log / detail");
                foreach (var s in shown)
                    table.AddRow(Markup.Escape(s.Stage), Colour(s.State), Markup.Escape(s.Job ?? ""),
                        Markup.Escape(string.Join("\n", new[] { s.Log, s.Detail }.Where(x => !string.IsNullOrEmpty(x)))));
                AnsiConsole.Write(table);
            }
            Console.WriteLine($"{stages.Count} stages: " + string.Join(", ", counts.Where(kv => kv.Value > 0).Select(kv => $"{kv.Value} {Word(kv.Key)}")));
            if (complete) Console.WriteLine($"all done: `w2s report {dir}` for figures (the sweep command again writes results.csv if it was submitted with --no-wait)");
            else if (counts[StageState.Failed] + counts[StageState.NotRun] > 0 && counts[StageState.Running] + counts[StageState.Queued] == 0)
                Console.WriteLine($"to run only the missing stages again: {string.Join(" ", manifest.Command.Select(SlurmScript.Quote))}");
        }));
        return command;
    }

    private static string Word(StageState state) => state == StageState.NotRun ? "not run" : state.ToString().ToLowerInvariant();

    private static string Colour(StageState state) => state switch
    {
        StageState.Done => "[green]done[/]",
        StageState.Running => "[blue]running[/]",
        StageState.Queued => "[grey]queued[/]",
        StageState.Failed => "[red]failed[/]",
        _ => Word(state),
    };
}
