using WeakToStrong.Models;
using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Chess;

/// <summary>
/// A weak engine as the supervisor of the chess track (`engine-d1`, `engine-d3`): Stockfish at a low depth, MultiPV 5,
/// hash cleared before each search; its soft label is a softmax over the top moves' scores (100 cp per unit), with a
/// little mass on the other legal moves. It has nothing to learn: "training" on half A leaves it unchanged (a zero-weighted
/// parameter only keeps the optimiser's graph valid). Searches are cached on disk like the puzzle analyses.
/// </summary>
internal sealed class EngineSupervisor : Classifier
{
    private const int Lines = 5;
    private readonly int depth;
    private readonly int _classes;
    private readonly TorchSharp.Modules.Parameter unused;
    private UciEngine? engine;
    private AnalysisCache? cache;

    public EngineSupervisor(int depth, int classes) : base($"engine-d{depth}")
    {
        this.depth = depth;
        _classes = classes;
        unused = nn.Parameter(zeros(1));
        RegisterComponents();
    }

    public override int Classes => _classes;

    /// <summary>Ids: per top move, its index in the list and its score (clamped centipawns); TypeIds: the list's length.</summary>
    public override EncodedInput Encode(ModelInput input)
    {
        var moves = (input.TextPair ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        engine ??= new UciEngine();
        cache ??= new AnalysisCache(Path.Combine(ChessPretraining.Root, "analyses"), $"{engine.Name}|multipv{Lines}|depth {depth}");
        var analysis = cache.Analyse(engine, input.Text, new SearchLimit(Depth: depth), Lines);
        var ids = new List<long>();
        foreach (var line in analysis.Lines)
        {
            int index = moves.IndexOf(line.FirstMove);
            if (index >= 0) ids.AddRange([index, Math.Clamp(line.Score.Value, -3000, 3000)]);
        }
        return new EncodedInput(ids.ToArray(), [moves.Count]);
    }

    public override Tensor Logits(IReadOnlyList<EncodedInput> batch)
    {
        var logits = new float[batch.Count * _classes];
        Array.Fill(logits, ChessTransformer.Masked);
        for (int i = 0; i < batch.Count; i++)
        {
            var row = logits.AsSpan(i * _classes, _classes);
            row[..(int)batch[i].TypeIds[0]].Fill(-5f); // other legal moves: a little mass
            var ids = batch[i].Ids;
            for (int j = 0; j + 1 < ids.Length; j += 2) row[(int)ids[j]] = ids[j + 1] / 100f;
        }
        return tensor(logits, [batch.Count, _classes]) + unused * 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) engine?.Dispose();
        base.Dispose(disposing);
    }
}
