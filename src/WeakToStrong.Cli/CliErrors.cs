using Microsoft.Data.Sqlite;
using WeakToStrong.Results;

namespace WeakToStrong.Cli;

/// <summary>
/// The one error path of every command. A failure the user can fix prints `w2s: error: &lt;file or option&gt;: &lt;problem&gt;.
/// &lt;how to fix&gt;` and exits 2; anything else is a bug in w2s: its stack trace, a line saying so, and exit 70.
/// </summary>
internal static class CliErrors
{
    public const int UserError = 2;
    public const int Bug = 70; // EX_SOFTWARE

    public static int Guard(Action action) => Guard(() => { action(); return 0; });

    /// <summary>Runs a command that chooses its own exit code (e.g. 1 when some cluster jobs failed).</summary>
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"w2s: error: {message}");
            return UserError;
        }
        catch (Exception e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"w2s: internal error: {e}");
            Console.Error.WriteLine("w2s: this is a bug in w2s, not a problem with your input. Please report it with the command line and the text above.");
            return Bug;
        }
    }

    /// <summary>The one-line message of a user-caused failure, or null when the exception is a bug.</summary>
    internal static string? Describe(Exception e) => e switch
    {
        UserInputException u => u.Message,
        WeakToStrong.Sweeps.Slurm.SlurmException s => $"--executor slurm: {s.Message.TrimEnd('.')}.",
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerExceptions[0]),
        IOException or UnauthorizedAccessException => FileSystem(e),
        SqliteException { SqliteErrorCode: 13 } s => $"SQLite: {s.Message}. Free some space. {FileProblems.Resume}",
        OutOfMemoryException => "memory: not enough memory for this run. Use a smaller --micro-batch, --max-train or model, or close other programs.",
        System.Runtime.InteropServices.ExternalException x when x.Message.Contains("allocate", StringComparison.OrdinalIgnoreCase) =>
            $"memory: libtorch could not allocate memory ({FirstLine(x.Message)}). Use a smaller --micro-batch, --max-train or model, or close other programs.",
        _ => null,
    };

    /// <summary>A file-system failure that reached the top without a named file: name the path the runtime gives.</summary>
    private static string FileSystem(Exception e)
    {
        string? path = e switch
        {
            FileNotFoundException f => f.FileName,
            _ => QuotedPath(e.Message),
        };
        string problem = FileProblems.IsDiskFull(e) ? "no space left on the device" : FirstLine(e.Message).TrimEnd('.');
        string fix = FileProblems.IsDiskFull(e) ? $"Free some space or choose another output folder. {FileProblems.Resume}"
            : "Check the path, its permissions and the free space. " + FileProblems.Resume;
        return path is null ? $"{problem}. {fix}" : $"{path}: {problem}. {fix}";
    }

    /// <summary>.NET quotes the path in its I/O messages: "Could not find a part of the path '/x/y'."</summary>
    private static string? QuotedPath(string message)
    {
        int start = message.IndexOf('\'');
        int end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start + 1 ? message[(start + 1)..end] : null;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
