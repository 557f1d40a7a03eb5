namespace WeakToStrong.Data;

/// <summary>A data file that cannot be used as it is. The message names the file, the line and the field, and says how to fix it.</summary>
public sealed class DatasetFormatException(string file, int? line, string? field, string problem, Exception? inner = null)
    : UserInputException(line is int l ? $"{file}:{l}" : file, field is null ? problem : $"field '{field}': {problem}", null, inner)
{
    public string File { get; } = file;
    public int? Line { get; } = line;
    public string? Field { get; } = field;
}
