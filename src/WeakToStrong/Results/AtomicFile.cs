namespace WeakToStrong.Results;

/// <summary>
/// Writes that never leave a half-written file: write a temporary file beside the target, then rename it over. A failed
/// write (full disk, no permission) removes its temporary and throws a <see cref="UserInputException"/> naming the target.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        try { WriteText(path, text); }
        catch (Exception e) when (FileProblems.IsFileSystem(e)) { throw FileProblems.Writing(path, e); }
    }

    /// <summary>Binary variant of WriteAllText: the same temporary-file-then-rename.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        try { WriteBytes(path, write); }
        catch (Exception e) when (FileProblems.IsFileSystem(e)) { throw FileProblems.Writing(path, e); }
    }

    private static void WriteText(string path, string text)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(text);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            try { if (File.Exists(temp)) File.Delete(temp); }
            catch (Exception e) when (FileProblems.IsFileSystem(e)) { } // the write's own error says more
        }
    }

    private static void WriteBytes(string path, Action<Stream> write)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            try { if (File.Exists(temp)) File.Delete(temp); }
            catch (Exception e) when (FileProblems.IsFileSystem(e)) { } // the write's own error says more
        }
    }
}
