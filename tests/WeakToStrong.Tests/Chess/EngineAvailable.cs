using WeakToStrong.Chess;

namespace WeakToStrong.Tests.Chess;

/// <summary>Skips engine tests, saying why, where Stockfish is not installed (.ci/run installs it).</summary>
public sealed class EngineFactAttribute : FactAttribute
{
    public EngineFactAttribute()
    {
        if (EngineOptions.Locate() is null) Skip = "Stockfish is not installed (apt-get install stockfish; .ci/run installs it)";
    }
}

/// <summary>The theory form of <see cref="EngineFactAttribute"/>.</summary>
public sealed class EngineTheoryAttribute : TheoryAttribute
{
    public EngineTheoryAttribute()
    {
        if (EngineOptions.Locate() is null) Skip = "Stockfish is not installed (apt-get install stockfish; .ci/run installs it)";
    }
}

/// <summary>Skips tests of pychess's data (and with Engine = true, of Stockfish too), saying why, where they are not installed
/// (.ci/run installs both).</summary>
public sealed class PychessFactAttribute : FactAttribute
{
    public bool Engine { get; set; }
    public override string? Skip { get => base.Skip ?? PychessData.Missing(Engine); set => base.Skip = value; }
}

/// <summary>The theory form of <see cref="PychessFactAttribute"/>.</summary>
public sealed class PychessTheoryAttribute : TheoryAttribute
{
    public override string? Skip { get => base.Skip ?? PychessData.Missing(engine: false); set => base.Skip = value; }
}

internal static class PychessData
{
    public static string? Missing(bool engine) =>
        !File.Exists(PolyglotBook.DefaultPath) || !File.Exists(PolyglotBook.DefaultKeysPath) ? "pychess is not installed (apt-get install pychess; .ci/run installs it)"
        : engine && EngineOptions.Locate() is null ? "Stockfish is not installed (apt-get install stockfish; .ci/run installs it)"
        : null;
}
