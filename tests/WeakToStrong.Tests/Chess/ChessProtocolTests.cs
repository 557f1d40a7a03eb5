using WeakToStrong.Chess;
using WeakToStrong.Data;
using WeakToStrong.Data.Tasks;
using WeakToStrong.Models;
using WeakToStrong.Protocol;
using WeakToStrong.Reports;
using WeakToStrong.Results;
using WeakToStrong.Sweeps;
using WeakToStrong.Training;

namespace WeakToStrong.Tests.Chess;

/// <summary>The standard protocol, sweeps and reports on a tiny chess task with small untrained chess transformers (K = 256 classes).</summary>
public class ChessProtocolTests
{
    /// <summary>Three tiny chess rungs (no pretraining) added after the built-in ladder, tests only.</summary>
    internal static IReadOnlyList<string> TinyLadder()
    {
        string[] names = ["test-chess-a", "test-chess-b", "test-chess-c"];
        lock (ModelCatalog.TestRungs)
            for (int i = 0; i < names.Length; i++)
                if (ModelCatalog.TestRungs.All(m => m.Name != names[i]))
                {
                    var config = new ChessModelConfig(names[i], Width: 8 << i, Layers: 1, Heads: 2);
                    ModelCatalog.TestRungs.Add(new ModelSpec(names[i], "tiny chess transformer (test rung)", 1, BoardEncoding.Tokens, 3e-3, "tests",
                        classes => new ChessTransformer(config, classes)) { Inputs = InputKinds.Chess });
                }
        return names;
    }

    /// <summary>Positions after random play where some capture exists; the label is the capture of the most valuable piece.</summary>
    internal static TaskData TinyTask(int train = 120, int test = 40)
    {
        var rng = new SeededRandom(5, "tiny-chess");
        var examples = new List<Example>();
        var seen = new HashSet<string>();
        int[] value = [0, 1, 3, 3, 5, 9, 0];
        while (examples.Count < train + test)
        {
            var p = Position.Start;
            int plies = 6 + rng.NextInt(30);
            for (int i = 0; i < plies && p.LegalMoves.Count > 0; i++) p = p.Play(p.LegalMoves[rng.NextInt(p.LegalMoves.Count)]);
            var moves = p.SortedUci();
            var captures = moves.Select((m, i) => (i, Victim: value[Piece.Kind(p[Move.ParseUci(m).To])])).Where(c => c.Victim > 0).ToList();
            if (captures.Count == 0 || !seen.Add(p.Key)) continue;
            int best = captures.OrderByDescending(c => c.Victim).ThenBy(c => c.i).First().i;
            examples.Add(new Example(ModelInput.Of(p.ToFen(), string.Join(' ', moves)), best));
        }
        return new TaskData("tiny-chess", ChessPuzzlesTask.MoveClasses, examples.Take(train).ToList(), examples.Skip(train).ToList(), "tests", [])
            { Inputs = InputKinds.Chess };
    }

    [Fact]
    public void LogitsMaskIndicesPastTheMoveList()
    {
        TorchRuntime.Initialize(1);
        TorchSharp.torch.manual_seed(0);
        using var model = new ChessTransformer(new ChessModelConfig("t", 16, 1, 2), ChessPuzzlesTask.MaxMoves);
        var inputs = TinyTask(4, 0).Train.Select(e => e.Input).ToList();
        var probabilities = Trainer.Predict(model, inputs);
        for (int i = 0; i < inputs.Count; i++)
        {
            int legal = inputs[i].TextPair!.Split(' ').Length;
            Assert.Equal(ChessPuzzlesTask.MaxMoves, probabilities[i].Length);
            Assert.Equal(1.0, probabilities[i].Take(legal).Sum(), 3);
            Assert.All(probabilities[i].Skip(legal), p => Assert.Equal(0f, p));
        }
    }

    [Fact]
    public void TheBoardIsSeenFromTheSideToMove()
    {
        // The same position with colours swapped (and the board mirrored) encodes identically.
        var white = BoardEncoding.Encode("4k3/8/8/8/8/8/4P3/4K2R w K - 0 1", ["e1g1", "e2e4"]);
        var black = BoardEncoding.Encode("4k2r/4p3/8/8/8/8/8/4K3 b k - 0 1", ["e8g8", "e7e5"]);
        Assert.Equal(white.Tokens, black.Tokens);
        Assert.Equal(white.Moves, black.Moves);
    }

    [Fact]
    public void TheProtocolRunsOnChessWithBootstrappingAndKClasses()
    {
        TorchRuntime.Initialize(1);
        var ladder = TinyLadder();
        var (split, report) = TaskPreparation.Prepare(TinyTask(), seed: 0);
        Assert.Equal(256, split.Classes);
        var config = new ExperimentConfig(ladder[0], ladder[2], "logconf", Bootstrap: ladder[1]).Resolved();
        var (result, weakLabels, correct) = Experiment.Run(split, report, config);
        foreach (var m in new[] { result.Weak, result.Student, result.Ceiling })
        {
            Assert.InRange(m.TestAccuracy, 0, 1);
            if (m.TestAuroc is double auroc) Assert.InRange(auroc, 0, 1); // one-vs-rest over the classes present
            Assert.False(double.IsNaN(m.TestCalibrationError));
        }
        Assert.Equal(split.BInputs.Count, weakLabels.Labels.Count);
        Assert.Equal(weakLabels.Labels.Count, correct.Length);
        // Weak labels put no mass on indices past a position's move list.
        Assert.All(weakLabels.Labels, l => Assert.Equal(1.0, l.Probabilities.Take(l.Input.TextPair!.Split(' ').Length).Sum(), 3));
    }

    [EngineFact]
    public void AWeakEngineCanSuperviseAChessModel()
    {
        TorchRuntime.Initialize(1);
        var ladder = TinyLadder();
        var cache = Directory.CreateTempSubdirectory("w2s-chess-engine-").FullName;
        ChessPretraining.RootOverride = cache;
        try
        {
            var (split, report) = TaskPreparation.Prepare(TinyTask(60, 30), seed: 0);
            var config = new ExperimentConfig("engine-d1", ladder[1], "xent", Epochs: 1).Resolved();
            var (result, weakLabels, _) = Experiment.Run(split, report, config);
            // The tiny task's rule (take the most valuable piece) is often, not always, what a depth-1 search plays; chance is ~3%.
            Assert.True(result.Weak.TestAccuracy > 0.2, $"engine-d1 scored {result.Weak.TestAccuracy:P1}");
            Assert.All(weakLabels.Labels, l =>
            {
                int legal = l.Input.TextPair!.Split(' ').Length;
                Assert.Equal(1.0, l.Probabilities.Take(legal).Sum(), 3);
                Assert.True(l.Probabilities.Max() < 1); // soft labels
            });
        }
        finally
        {
            ChessPretraining.RootOverride = null;
            Directory.Delete(cache, true);
        }
    }

    [Fact]
    public void ASweepAndItsReportHandleTheChessTask()
    {
        TorchRuntime.Initialize(1);
        var ladder = TinyLadder();
        var folder = Directory.CreateTempSubdirectory("w2s-chess-sweep-").FullName;
        try
        {
            var plan = SweepPlan.Create(new SweepConfig(["tiny-chess"], ladder, ["xent"], Bootstrap: 1, Template: new ExperimentConfig(Epochs: 1)), _ => TinyTask(80, 30));
            var store = new ResultStore(Path.Combine(folder, "results.sqlite"));
            var outcome = new SweepRunner(new StageCache(Path.Combine(folder, "cache")), store).Run(plan);
            Assert.Equal(outcome.Total, outcome.Executed + outcome.Cached);
            Assert.NotEmpty(store.Rows());
            var files = SweepReport.Write(store.Rows(), store.GroundTruthRows(), Path.Combine(folder, "report"));
            Assert.Contains(files, f => f.EndsWith("summary.md", StringComparison.Ordinal));
        }
        finally { Directory.Delete(folder, true); }
    }
}
