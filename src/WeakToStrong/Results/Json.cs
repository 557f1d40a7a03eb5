using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeakToStrong.Results;

/// <summary>The one JSON style of every file the tool writes: indented, camelCase, enums as strings.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string text) => JsonSerializer.Deserialize<T>(text, Options)!;
}
