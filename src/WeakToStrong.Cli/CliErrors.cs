using WeakToStrong.Data;

namespace WeakToStrong.Cli;

/// <summary>Bad input ends the command with a one-line reason and exit code 2, not a stack trace.</summary>
internal static class CliErrors
{
    public static int Guard(Action action) => Guard(() => { action(); return 0; });

    /// <summary>Runs a command that chooses its own exit code (e.g. 1 when some cluster jobs failed).</summary>
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is DatasetFormatException or ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidOperationException)
        {
            Console.Error.WriteLine($"w2s: error: {e.Message}");
            return 2;
        }
    }
}
