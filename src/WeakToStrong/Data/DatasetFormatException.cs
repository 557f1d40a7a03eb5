namespace WeakToStrong.Data;

/// <summary>A data file that cannot be used as it is. The message names the file, the line and the field, and says how to fix it.</summary>
public sealed class DatasetFormatException : Exception
{
    public string File { get; }
    public int? Line { get; }
    public string? Field { get; }

    public DatasetFormatException(string file, int? line, string? field, string problem)
        : base(Format(file, line, field, problem))
    {
        File = file;
        Line = line;
        Field = field;
    }

    private static string Format(string file, int? line, string? field, string problem)
    {
        var where = line is int l ? $"{file}:{l}" : file;
        return field is null ? $"{where}: {problem}" : $"{where}: field '{field}': {problem}";
    }
}
