using System.Text;

namespace WeakToStrong.Data;

/// <summary>
/// The lines of a text data file, decoded as UTF-8 line by line so that invalid bytes are counted and located instead
/// of being replaced silently. A UTF-16 or UTF-32 file (with its byte-order mark) is decoded as such.
/// </summary>
internal sealed class JsonlLines
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UTF8Encoding Lenient = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private JsonlLines(string path) => Path = path;

    public string Path { get; }

    /// <summary>Invalid UTF-8 sequences replaced by U+FFFD so far, and the first line that had one.</summary>
    public int InvalidSequences { get; private set; }
    public int? FirstInvalidLine { get; private set; }

    /// <summary>The warning to show once the file is read, or null when every byte was valid.</summary>
    public string? Warning => InvalidSequences == 0 ? null
        : $"{Path}:{FirstInvalidLine}: {InvalidSequences} invalid UTF-8 byte sequence(s), the first on this line; each was replaced by U+FFFD. " +
          "Save the file as UTF-8 to keep those characters.";

    /// <summary>Opens a data file: a clear error (naming it) when it is missing, a folder or unreadable.</summary>
    public static JsonlLines Open(string path, string what = "data file")
    {
        if (Directory.Exists(path))
            throw new DatasetFormatException(path, null, null, $"is a folder, not a {what}; give the path of a JSONL file (one JSON object a line)");
        if (!File.Exists(path))
            throw new DatasetFormatException(path, null, null, $"{what} not found; check the path (relative paths start from {Environment.CurrentDirectory})");
        return new JsonlLines(path);
    }

    /// <summary>Line numbers start at 1; line ends (\n or \r\n) are removed. A read that fails midway names the file.</summary>
    public IEnumerable<(int Number, string Text)> Read()
    {
        using var lines = ReadRaw().GetEnumerator();
        while (true)
        {
            bool more;
            try { more = lines.MoveNext(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DatasetFormatException(Path, null, null, $"could not be read ({e.Message}); check the file and its disk", e);
            }
            if (!more) break;
            yield return lines.Current;
        }
    }

    private IEnumerable<(int Number, string Text)> ReadRaw()
    {
        FileStream stream;
        try { stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(Path, null, null, $"cannot be read ({e.Message}); check its permissions", e);
        }
        using (stream)
        {
            var bom = new byte[4];
            int got = stream.ReadAtLeast(bom, 4, throwOnEndOfStream: false);
            stream.Position = 0;
            if (IsWideBom(bom, got))
            {
                using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
                int n = 0;
                for (string? line; (line = reader.ReadLine()) is not null;) yield return (++n, line);
                yield break;
            }
            if (got >= 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF) stream.Position = 3;

            var buffer = new byte[1 << 16];
            var pending = new MemoryStream();
            int number = 0;
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                int start = 0;
                for (int i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n') continue;
                    pending.Write(buffer, start, i - start);
                    start = i + 1;
                    yield return (++number, Decode(pending, number));
                    pending.SetLength(0);
                }
                pending.Write(buffer, start, read - start);
            }
            if (pending.Length > 0) yield return (++number, Decode(pending, number));
        }
    }

    private string Decode(MemoryStream bytes, int number)
    {
        var span = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
        if (span.Length > 0 && span[^1] == (byte)'\r') span = span[..^1];
        try { return Strict.GetString(span); }
        catch (DecoderFallbackException)
        {
            var text = Lenient.GetString(span);
            // Replacement characters that were not in the file as valid UTF-8 (EF BF BD) are the invalid sequences.
            int replaced = text.Count(c => c == '\uFFFD') - Count(span, [0xEF, 0xBF, 0xBD]);
            InvalidSequences += Math.Max(1, replaced);
            FirstInvalidLine ??= number;
            return text;
        }
    }

    private static int Count(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        int count = 0;
        for (int i; (i = haystack.IndexOf(needle)) >= 0; haystack = haystack[(i + needle.Length)..]) count++;
        return count;
    }

    /// <summary>A JSON string's value; an escape that is not text (a lone UTF-16 surrogate such as \ud800) is an error naming the line.</summary>
    public static string String(System.Text.Json.JsonElement value, string path, int? line, string field)
    {
        try { return value.GetString()!; }
        catch (InvalidOperationException e) when (IsUnreadableText(e)) { throw NotText(path, line, field, e); }
    }

    /// <summary>System.Text.Json reads escapes lazily, so a property name or value that is not text fails when it is first looked at.</summary>
    public static bool IsUnreadableText(InvalidOperationException e) =>
        e.TargetSite?.DeclaringType?.Assembly == typeof(System.Text.Json.JsonDocument).Assembly;

    public static DatasetFormatException NotText(string path, int? line, string? field, Exception e) =>
        new(path, line, field, $"{(field is null ? "holds a string that" : "")} is not valid text ({e.Message}); fix or remove the \\u escape".TrimStart(), e);

    private static bool IsWideBom(byte[] b, int n) =>
        (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) ||
        (n >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF);
}
