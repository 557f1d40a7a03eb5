namespace WeakToStrong.Chess;

/// <summary>How a chess model is pretrained: next-move prediction on the positions of generated self-play games (no puzzle
/// positions or labels).</summary>
internal sealed record ChessPretrainSettings(int Games = 800, int Steps = 1500, int BatchSize = 64, double LearningRate = 2e-3, int CheckpointEvery = 250)
{
    /// <summary>Near-greedy play (10 cp softmax), so the next move is mostly the engine's choice; at higher temperatures it
    /// is close to a coin toss among the top moves.</summary>
    public SelfPlaySettings SelfPlay { get; init; } = new(RandomPlies: 8, TemperatureCp: 10);
    /// <summary>The corpus games' seed stream (the puzzle task's games use another, so no game is in both).</summary>
    public long CorpusSeed { get; init; } = 2;
    /// <summary>One game in this many is held out to measure next-move accuracy.</summary>
    public int HeldOutEvery { get; init; } = 20;
    /// <summary>The target: the engine's best move at a fixed search (null: the move played in the game). A deterministic
    /// target rewards capacity: with the played move every model size plateaus at the same accuracy.</summary>
    public EngineTargetSettings? Target { get; init; } = new();
}

/// <summary>What pretraining measured: held-out top-1 next-move accuracy, against chance (1 / legal moves, averaged).</summary>
internal sealed record ChessPretrainResult(string Model, long Parameters, int Steps, int TrainPositions, int HeldOutPositions,
    double HeldOutTop1, double ChanceTop1, double Seconds, string WeightsFile);
