namespace WeakToStrong.Results;

/// <summary>File-system failures (full disk, no permission, read-only or missing folders) as errors that name the file.</summary>
internal static class FileProblems
{
    public const string Resume = "Then run the same command again: finished work is kept and it resumes.";

    /// <summary>ENOSPC (28) or EDQUOT (122) on Unix, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException && (e.HResult is 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027)
                             || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
                             || e.Message.Contains("quota", StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether an exception is the file system's (and so the user's to fix), not a bug.</summary>
    public static bool IsFileSystem(Exception e) => e is IOException or UnauthorizedAccessException;

    public static UserInputException Writing(string path, Exception e) =>
        IsDiskFull(e)
            ? new UserInputException(path, "could not be written: no space left on the device", "Free some space or choose another output folder. " + Resume, e)
            : new UserInputException(path, $"could not be written ({e.Message})", "Check that the folder exists, is a folder and is writable. " + Resume, e);

    public static UserInputException Reading(string path, Exception e) =>
        new(path, $"could not be read ({e.Message})", "Check that it exists and is readable.", e);
}
