namespace WeakToStrong.Models;

/// <summary>
/// The chess ladder: three sizes of <see cref="ChessTransformer"/>, each pretrained (next-move prediction on self-play games)
/// on first use. Sizes are chosen so that pretraining takes a few minutes per model on one core.
/// </summary>
public static class ChessModels
{
    public static readonly IReadOnlyList<ChessModelConfig> Ladder =
    [
        new("chess-s", Width: 32, Layers: 1, Heads: 2),
        new("chess-m", Width: 64, Layers: 2, Heads: 4),
        new("chess-l", Width: 96, Layers: 2, Heads: 4),
    ];

    /// <summary>The same corpus and step count for every size, so only the size differs.</summary>
    public static ChessPretrainSettings Pretraining(ChessModelConfig config) => new();

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

X
    public static IEnumerable<ModelSpec> Specs() => Ladder.Select(c => new ModelSpec(
        c.Name, $"chess transformer over the 64 squares, width {c.Width}, {c.Layers} layer{(c.Layers > 1 ? "s" : "")}, pretrained by next-move prediction on self-play games",
        c.Layers, Chess.BoardEncoding.Tokens, c.Width >= 96 ? 1e-3 : c.Width >= 64 ? 2e-3 : 3e-3,
        "built in; pretrained on first use (`w2s chess pretrain`), weights cached, never shipped",
        classes => Create(c, classes))
    {
        Inputs = Data.InputKinds.Chess,
        Architecture = classes => new ChessTransformer(c, classes),
    });
}
