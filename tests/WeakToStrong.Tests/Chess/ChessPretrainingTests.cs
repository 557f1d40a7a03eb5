using WeakToStrong.Chess;
using WeakToStrong.Models;
using WeakToStrong.Training;

namespace WeakToStrong.Tests.Chess;

public class ChessPretrainingTests
{
    [EngineFact]
    public void PretrainingIsCachedAndResumesFromItsLastCheckpoint()
    {
        TorchRuntime.Initialize(1);
        var folder = Directory.CreateTempSubdirectory("w2s-chess-pretrain-").FullName;
        ChessPretraining.RootOverride = folder;
        try
        {
            var config = new ChessModelConfig("test-chess-pretrain", Width: 8, Layers: 1, Heads: 2);
            var settings = new ChessPretrainSettings(Games: 4, Steps: 20, BatchSize: 16, CheckpointEvery: 10) { HeldOutEvery = 4, Target = new(Depth: 2) };
            var first = ChessPretraining.Ensure(config, settings);
            Assert.True(File.Exists(first.WeightsFile));
            Assert.InRange(first.HeldOutTop1, 0, 1);
            Assert.True(first.TrainPositions > 0 && first.HeldOutPositions > 0);
            // Cached: the same result without training again.
            Assert.Equal(first, ChessPretraining.Ensure(config, settings));
            // A run killed after its last checkpoint resumes there instead of starting over.
            var dir = ChessPretraining.Folder(config, settings);
            File.Delete(Path.Combine(dir, "result.json"));
            File.Delete(first.WeightsFile);
            Assert.True(File.Exists(Path.Combine(dir, "step-20.bin")));
            var resumed = ChessPretraining.Ensure(config, settings);
            Assert.Equal(first.HeldOutTop1, resumed.HeldOutTop1);
            Assert.True(resumed.Seconds < first.Seconds);
            // Other settings, another folder.
            Assert.NotEqual(dir, ChessPretraining.Folder(config, settings with { Steps = 30 }));
            Assert.NotEqual(dir, ChessPretraining.Folder(config, settings with { Target = new(Depth: 3) }));
            Assert.NotEqual(dir, ChessPretraining.Folder(config, settings with { Target = null }));
        }
        finally
        {
            ChessPretraining.RootOverride = null;
            Directory.Delete(folder, true);
        }
    }

    [EngineFact]
    public void SeveralEngineWorkersLabelLikeOne()
    {
        string one = Directory.CreateTempSubdirectory("w2s-chess-targets-1-").FullName, three = Directory.CreateTempSubdirectory("w2s-chess-targets-3-").FullName;
        try
        {
            // The positions along a short game, one of them twice.
            var p = Position.Start;
            var fens = new List<string>();
            foreach (var m in "e2e4 e7e5 g1f3 b8c6 f1b5 a7a6 b5a4 g8f6 e1g1 f8e7 f1e1 b7b5".Split(' '))
            {
                fens.Add(p.ToFen());
                p = p.Play(Move.ParseUci(m));
            }
            fens.Add(fens[3]);
            var settings = new EngineTargetSettings(Depth: 6);
            var serial = EngineTargets.BestMoves(fens, settings, one, () => new UciEngine());
            var parallel = EngineTargets.BestMoves(fens, settings, three, () => new UciEngine(), workers: 3);
            Assert.Equal(serial, parallel);
            var lines = File.ReadAllLines(Directory.GetFiles(three, "analyses-*.jsonl").Single());
            Assert.Equal(fens.Count - 1, lines.Length); // each distinct position searched once, no torn lines
            Assert.All(lines, l => Assert.EndsWith("}", l));
        }
        finally
        {
            Directory.Delete(one, true);
            Directory.Delete(three, true);
        }
    }

    [EngineFact]
    public void EngineTargetsAreTheBestMoveOfACleanSearchAndAreCached()
    {
        var folder = Directory.CreateTempSubdirectory("w2s-chess-targets-").FullName;
        try
        {
            var settings = new EngineTargetSettings(Depth: 4);
            string[] fens =
            [
                "6k1/5ppp/8/8/8/8/5PPP/R5K1 w - - 0 1", // back-rank mate: Ra8#
                "rnb1kbnr/ppp1pppp/8/3q4/4P3/8/PPPP1PPP/RNBQKBNR w KQkq - 0 1", // the queen on d5 hangs to the e4 pawn
            ];
            Assert.Equal(["a1a8", "e4d5"], EngineTargets.BestMoves(fens, settings, folder, () => new UciEngine()));
            using (var engine = new UciEngine())
            {
                var cache = new AnalysisCache(folder, settings.CacheKey(engine.Name));
                Assert.True(cache.TryGet(fens[1], out var cached));
                Assert.Equal("e4d5", cached.BestMove);
                Assert.False(new AnalysisCache(folder, new EngineTargetSettings(Depth: 5).CacheKey(engine.Name)).TryGet(fens[1], out _));
            }
        }
        finally { Directory.Delete(folder, true); }
    }

    [EngineFact]
    public void TheCorpusTargetIsThePlayedMoveOrTheEnginesChoice()
    {
        var folder = Directory.CreateTempSubdirectory("w2s-chess-corpus-").FullName;
        ChessPretraining.RootOverride = folder;
        try
        {
            var played = new ChessPretrainSettings(Games: 2) { HeldOutEvery = 2, Target = null };
            var searched = played with { Target = new EngineTargetSettings(Depth: 3) };
            var (a, _) = ChessPretraining.Corpus(played);
            var (b, _) = ChessPretraining.Corpus(searched);
            Assert.Equal(a.Select(e => e.Input), b.Select(e => e.Input)); // same positions, other labels
            var game = WeakToStrong.Chess.GameCorpus.Load(Path.Combine(folder, "games"), played.SelfPlay, 2, played.CorpusSeed, () => new UciEngine())[1];
            var first = game.Positions().First(p => p.Ply == game.RandomPlies);
            Assert.Equal(first.Played, a[0].Input.TextPair!.Split(' ')[a[0].Label]);
            using var engine = new UciEngine();
            engine.NewGame();
            var best = engine.Analyse(b[0].Input.Text, new SearchLimit(Depth: 3)).BestMove;
            Assert.Equal(best, b[0].Input.TextPair!.Split(' ')[b[0].Label]);
        }
        finally
        {
            ChessPretraining.RootOverride = null;
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void TheLaddersCacheFoldersArePinned()
    {
        // A change to these names (e.g. a new settings field in the serialized key) silently re-pretrains every user's ladder.
        string Folder(string model) => Path.GetFileName(ChessPretraining.Folder(ChessModels.Get(model).Architecture, ChessModels.Get(model).Pretraining));
        Assert.Equal("chess-xs-a5463c872c13", Folder("chess-xs"));
        Assert.Equal("chess-s-382d86a13997", Folder("chess-s"));
        Assert.Equal("chess-m-f34df889c827", Folder("chess-m"));
        Assert.Equal("chess-l-b073f6319214", Folder("chess-l"));
    }
}
