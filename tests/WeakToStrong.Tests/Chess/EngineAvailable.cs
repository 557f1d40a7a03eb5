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
