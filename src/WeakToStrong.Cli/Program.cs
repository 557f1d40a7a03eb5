using System.CommandLine;
using WeakToStrong.Cli;

var root = new RootCommand("w2s: weak-to-strong generalization experiments (Burns et al., 2023) on a CPU")
{
    RunCommand.Create(),
    InfoCommands.Tasks(),
    DataCommand.Create(),
    InfoCommands.Models(),
    InfoCommands.Losses(),
};
return root.Parse(args).Invoke();
