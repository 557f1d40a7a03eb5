using WeakToStrong.Models;

namespace WeakToStrong.Chess;

/// <summary>
/// One model of the chess ladder: its architecture, how long it is pretrained and its finetuning learning rate. Every
/// size pretrains on the same corpus; larger models train longer, as in language-model ladders.
/// </summary>
internal sealed record ChessModel(ChessModelConfig Architecture, int PretrainSteps, double LearningRate)
{
    public string Name => Architecture.Name;

    /// <summary>Its pretraining: next-move prediction on 3,200 self-play games (~295,000 positions).</summary>
    public ChessPretrainSettings Pretraining => new() { Games = 3200, Steps = PretrainSteps };
}

/// <summary>
/// The chess ladder: four sizes of <see cref="ChessTransformer"/>, each pretrained (next-move prediction on self-play games)
/// on first use; pretraining takes from seconds (chess-xs) to ~12 minutes (chess-l) on two cores. The finetuning rates are
/// checked on a validation split of the puzzles' training pool (`w2s run --validation`); docs/chess.md has the measurements.
/// </summary>
internal static class ChessModels
{
    public static readonly IReadOnlyList<ChessModel> Ladder =
    [
        new(new("chess-xs", Width: 16, Layers: 1, Heads: 2), PretrainSteps: 300, LearningRate: 3e-3),
        new(new("chess-s", Width: 32, Layers: 1, Heads: 2), PretrainSteps: 1500, LearningRate: 3e-3),
        new(new("chess-m", Width: 64, Layers: 2, Heads: 4), PretrainSteps: 4500, LearningRate: 2e-3),
        new(new("chess-l", Width: 96, Layers: 2, Heads: 4), PretrainSteps: 9000, LearningRate: 3e-3),
    ];

    public static ChessModel Get(string name) =>
        Ladder.FirstOrDefault(m => m.Name == name) ?? throw new ArgumentException($"unknown chess model '{name}'; chess models: {string.Join(", ", Ladder.Select(m => m.Name))}");

    /// <summary>A pretrained model (pretraining it first if its weights are not cached).</summary>
    public static ChessTransformer Create(ChessModel chess, int classes)
    {
        var pretrained = ChessPretraining.Ensure(chess.Architecture, chess.Pretraining);
        var model = new ChessTransformer(chess.Architecture, classes);
        model.load(pretrained.WeightsFile);
        return model;
    }

    /// <summary>The ladder's catalogue entries, and Stockfish at low depth as weak supervisors.</summary>
    public static IEnumerable<ModelSpec> Specs() => EngineSpecs().Concat(LadderSpecs());

    /// <summary>Weak engine supervisors (label only; nothing trains).</summary>
    private static IEnumerable<ModelSpec> EngineSpecs() => new[] { 1, 3 }.Select(depth => new ModelSpec(
        $"engine-d{depth}", $"Stockfish at depth {depth} as a weak supervisor (soft labels from its top 5 moves; nothing is trained)", 0, 0, 1e-3,
        "Debian stockfish (GPL-3+), run as a separate process", classes => new EngineSupervisor(depth, classes))
    {
        Inputs = Data.InputKinds.Chess,
    });

    private static IEnumerable<ModelSpec> LadderSpecs() => Ladder.Select(m => new ModelSpec(
        m.Name, $"chess transformer over the 64 squares, width {m.Architecture.Width}, {m.Architecture.Layers} layer{(m.Architecture.Layers > 1 ? "s" : "")}, pretrained by next-move prediction on self-play games",
        m.Architecture.Layers, BoardEncoding.Tokens, m.LearningRate,
        "built in; pretrained on first use (`w2s chess pretrain`), weights cached, never shipped",
        classes => Create(m, classes))
    {
        Inputs = Data.InputKinds.Chess,
        Architecture = classes => new ChessTransformer(m.Architecture, classes),
    });
}
