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
            var settings = new ChessPretrainSettings(Games: 4, Steps: 20, BatchSize: 16, CheckpointEvery: 10) { HeldOutEvery = 4 };
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
        }
        finally
        {
            ChessPretraining.RootOverride = null;
            Directory.Delete(folder, true);
        }
    }
}
