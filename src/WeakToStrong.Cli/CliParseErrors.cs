using System.CommandLine;
using System.CommandLine.Parsing;

namespace WeakToStrong.Cli;

/// <summary>Command-line syntax errors in the one error format: the option (or command) first, then the problem and where help is.</summary>
internal static class CliParseErrors
{
    public static int Report(ParseResult parsed)
    {
        var command = string.Join(' ', Path(parsed.CommandResult));
        foreach (var error in parsed.Errors)
        {
            string subject = error.SymbolResult switch
            {
                OptionResult o => o.Option.Name,
                ArgumentResult { Parent: OptionResult o } => o.Option.Name,
                ArgumentResult a => $"<{a.Argument.Name}>",
                _ => command,
            };
            var message = System.Text.RegularExpressions.Regex.Replace(error.Message.Trim(), @"\s*\n\s*", " "); // one line per error
            if (!message.EndsWith('.')) message += ".";
            Console.Error.WriteLine($"w2s: error: {subject}: {message} `{command} --help` lists the options.");
        }
        return CliErrors.UserError;
    }

    private static IEnumerable<string> Path(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Insert(0, c.Parent is null ? "w2s" : c.Command.Name);
        return names;
    }
}
