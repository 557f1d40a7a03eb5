using WeakToStrong.Chess;
using WeakToStrong.Data.Sources;

namespace WeakToStrong.Data.Tasks;

/// <summary>
/// pref-chess: a stand-in preference set for the reward-modelling track, built from the chess puzzles: the prompt is the
/// position, the two responses are the deep search's best and second-best moves (SAN, with UCI), the best one preferred.
/// Same positions, engine settings, caches and grouped split as chess-puzzles; read by text models as reward models.
/// </summary>
internal sealed class PreferenceChessTask : TaskBuilder
{
    private readonly ChessPuzzlesTask puzzles = new();

    public override string Name => "pref-chess";
    public override string Description => "Which of two moves in this position (FEN) does a deep Stockfish search prefer?";
    public override string[] ClassNames => PreferenceDataset.ClassNames;
    public override string Inputs => InputKinds.Preference;
    public override bool Shipped => false;
    public override string DataLicence => puzzles.DataLicence;
    public override IReadOnlyList<SourcePackage> Sources => puzzles.Sources;

    public override BuiltTask Build()
    {
        var (kept, notes) = puzzles.Labelled();
        var train = new List<TaskRow>();
        var test = new List<TaskRow>();
        foreach (var (c, p) in kept)
        {
            var position = Position.FromFen(p.Fen);
            string Say(string uci) => $"{San.Of(position, Move.ParseUci(uci))} ({uci})";
            var side = position.WhiteToMove ? "White" : "Black";
            var example = new Preference($"Chess position (FEN): {p.Fen}\n{side} to move. Suggested move:", Say(p.BestMove), Say(p.SecondMove)).ToExample();
            var row = new TaskRow($"{c.Group}/{position.Key}", example.Input.Text, example.Input.TextPair, example.Label);
            (puzzles.TestGroup(c.Group) ? test : train).Add(row);
        }
        var order = new SeededRandom(Seed, "pref-chess/order");
        order.Shuffle(train);
        order.Shuffle(test);
        notes.Add($"{train.Count} training and {test.Count} test pairs: the chess-puzzles positions, the deep search's best move preferred over its second; " +
                  "pair order fixed by a content hash (about half put the preferred move second)");
        return new BuiltTask(train, test, notes);
    }
}
