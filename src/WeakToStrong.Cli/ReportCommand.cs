using System.CommandLine;
using WeakToStrong.Reports;
using WeakToStrong.Results;

namespace WeakToStrong.Cli;

/// <summary>`w2s report RESULTS`: figures and tables of a results folder's store.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("results") { Description = "Results folder of `w2s sweep --out`" };
        var output = new Option<string?>("--out") { Description = "Where to write the report (default: RESULTS/report)" };
        var command = new Command("report", "Write report.html (self-contained), PNG figures and summary.md from a results folder.") { folder, output };
        command.SetAction(r => CliErrors.Guard(() =>
        {
            var dir = r.GetValue(folder)!;
            var db = Path.Combine(dir, "results.sqlite");
            if (File.Exists(dir)) throw new UserInputException(dir, "is a file; give the results folder of `w2s sweep --out`");
            if (!Directory.Exists(dir)) throw new UserInputException(dir, "results folder not found", "Give the folder of `w2s sweep --out`.");
            if (!File.Exists(db) && !Directory.Exists(db))
                throw new UserInputException(db, $"not found: no results store in {dir}", $"Run `w2s sweep --out {dir}` first.");
            var target = r.GetValue(output) ?? Path.Combine(dir, "report");
            OptionChecks.OutputFolder("--out", target, create: false);
            var store = new ResultStore(db);
            var rows = store.Rows();
            if (rows.Count == 0)
                throw new UserInputException(db, "holds no finished experiment yet",
                    $"Run the sweep until at least one experiment has all its stages (`w2s status {dir}` shows them).");
            var files = SweepReport.Write(rows, store.GroundTruthRows(), target);
            foreach (var file in files) Console.WriteLine(file);
        }));
        return command;
    }
}
