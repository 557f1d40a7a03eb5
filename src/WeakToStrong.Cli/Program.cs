using System.CommandLine;
using System.CommandLine.Invocation;
using Spectre.Console;
using WeakToStrong.Cli;

MallocTuning.EnsureTunedHeap();

// Redirected output (logs, CI) has no width: keep tables on one line per row instead of wrapping at 80 columns.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200;

var root = new RootCommand("w2s: weak-to-strong generalization experiments (Burns et al., 2023) on a CPU")
{
    RunCommand.Create(),
    SweepCommand.Create(),
    StatusCommand.Create(),
    SweepStageCommand.Create(),
    ReportCommand.Create(),
    InfoCommands.Tasks(),
    DataCommand.Create(),
    InfoCommands.Models(),
    InfoCommands.Losses(),
    ChessCommand.Create(),
};
var parsed = root.Parse(args);
// Unknown options, unparsable values and missing arguments end like every other bad input: named, exit 2.
if (parsed.Action is ParseErrorAction && parsed.Errors.Count > 0) return CliParseErrors.Report(parsed);
return parsed.Invoke();
