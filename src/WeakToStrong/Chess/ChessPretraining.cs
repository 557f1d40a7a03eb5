using System.Diagnostics;
using System.Text.Json;
using WeakToStrong.Models;
using WeakToStrong.Data;
using WeakToStrong.Data.Sources;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Chess;

/// <summary>
/// The pretraining stage of the chess ladder, cached and resumable: weights live under a folder keyed by the model's size,
/// the corpus (self-play settings, game count, seed) and the training settings. Checkpoints are written every few hundred
/// steps; a killed run resumes from the last one (Adam's moments restart there). The tool never ships weights: the first use
/// of a chess model rebuilds them.
/// </summary>
internal static class ChessPretraining
{
    public const string CodeVersion = "chess-pretrain-v4";

    /// <summary>The chess cache: W2S_CHESS_CACHE, else ~/.cache/w2s/chess (games, analyses, pretrained weights).</summary>
    public static string Root => RootOverride ??
        (Environment.GetEnvironmentVariable("W2S_CHESS_CACHE") is { Length: > 0 } dir ? dir : Path.Combine(DataPaths.CacheRoot, "chess"));

    /// <summary>Tests: a private cache folder.</summary>
    internal static string? RootOverride { get; set; }

    /// <summary>Progress lines (default: standard error).</summary>
    public static Action<string> Log { get; set; } = line => Console.Error.WriteLine(line);

    public static string Folder(ChessModelConfig model, ChessPretrainSettings settings)
    {
        var key = JsonSerializer.Serialize(new { CodeVersion, model, settings, settings.SelfPlay.Key });
        var hash = Results.Hashing.Sha256Hex(key, 6);
        return Path.Combine(Root, "pretrain", $"{model.Name}-{hash}");
    }

    /// <summary>The finished result, pretraining first if needed.</summary>
    public static ChessPretrainResult Ensure(ChessModelConfig model, ChessPretrainSettings settings)
    {
        var folder = Folder(model, settings);
        var resultFile = Path.Combine(folder, "result.json");
        if (File.Exists(resultFile)) return JsonSerializer.Deserialize<ChessPretrainResult>(File.ReadAllText(resultFile))!;
        using var _ = Sweeps.StageLock.Wait(Path.Combine(folder, ".lock"), TimeSpan.FromSeconds(1)); // one process pretrains it
        if (File.Exists(resultFile)) return JsonSerializer.Deserialize<ChessPretrainResult>(File.ReadAllText(resultFile))!;
        var result = Run(model, settings, folder);
        Results.AtomicFile.WriteAllText(resultFile, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        return result;
    }

    /// <summary>The corpus as (position, target move) examples: label = the target's index in the sorted legal moves.</summary>
    public static (List<Example> Train, List<Example> HeldOut) Corpus(ChessPretrainSettings settings)
    {
        var games = GameCorpus.Load(Path.Combine(Root, "games"), settings.SelfPlay, settings.Games, settings.CorpusSeed,
            () => new UciEngine(), new Progress<(int Done, int Total)>(p => { if (p.Done % 100 == 0) Log($"chess corpus: {p.Done}/{p.Total} self-play games"); }));
        // The legal moves are kept as the joined text the model reads, not as a list of strings per position (memory).
        var positions = new List<(string Fen, string Moves, string Played, int Game)>();
        for (int k = 0; k < games.Count; k++)
            foreach (var (before, played, ply) in games[k].Positions())
                if (ply >= games[k].RandomPlies) // uniformly random opening moves are not worth imitating
                    positions.Add((before.ToFen(), string.Join(' ', before.SortedUci()), played, k));
        var targets = settings.Target is { } target
            ? EngineTargets.BestMoves(positions.Select(p => p.Fen).ToList(), target, Path.Combine(Root, "analyses"), () => new UciEngine(),
                new Progress<(int Done, int Total)>(p => { if (p.Done % 5000 == 0) Log($"chess corpus: {p.Done}/{p.Total} positions labelled ({target.Limit})"); }),
                workers: Math.Max(1, get_num_threads())) // one Stockfish process per torch thread (--threads)
            : positions.Select(p => p.Played).ToList();
        var train = new List<Example>();
        var heldOut = new List<Example>();
        for (int i = 0; i < positions.Count; i++)
        {
            var example = new Example(ModelInput.Of(positions[i].Fen, positions[i].Moves), IndexOf(positions[i].Moves.Split(' '), targets[i]));
            (positions[i].Game % settings.HeldOutEvery == 0 ? heldOut : train).Add(example);
        }
        return (train, heldOut);
    }

    private static int IndexOf(IReadOnlyList<string> moves, string move)
    {
        for (int i = 0; i < moves.Count; i++) if (moves[i] == move) return i;
        throw new InvalidOperationException($"corpus target {move} is not legal");
    }

    private static ChessPretrainResult Run(ChessModelConfig config, ChessPretrainSettings settings, string folder)
    {
        Directory.CreateDirectory(folder);
        var (train, heldOut) = Corpus(settings);
        manual_seed(0);
        using var model = new ChessTransformer(config, Data.Tasks.ChessPuzzlesTask.MaxMoves);
        model.eval(); // no dropout anywhere; eval keeps the protocol's convention
        var encoded = train.Select(e => model.Encode(e.Input)).ToArray();
        var labels = train.Select(e => (long)e.Label).ToArray();

        int start = 0;
        var last = Directory.GetFiles(folder, "step-*.bin").Select(f => (File: f, Step: int.Parse(Path.GetFileNameWithoutExtension(f)[5..])))
            .OrderByDescending(c => c.Step).FirstOrDefault();
        if (last.File is not null)
        {
            model.load(last.File);
            start = last.Step;
            Log($"{config.Name}: resuming pretraining at step {start} of {settings.Steps} ({last.File})");
        }
        else Log($"{config.Name}: pretraining {model.ParameterCount:N0} parameters for {settings.Steps} steps on {train.Count:N0} positions " +
                 $"of {settings.Games} self-play games (held out: {heldOut.Count:N0}) → {folder}");

        using var optimizer = new Adam(model.parameters(), settings.LearningRate);
        var order = new EpochOrder(train.Count);
        var clock = Stopwatch.StartNew();
        double smoothed = double.NaN;
        for (int step = start; step < settings.Steps; step++)
        {
            // Warm-up over 5% of the steps, then cosine to 10% of the rate.
            double warm = Math.Max(1, settings.Steps / 20);
            double lr = settings.LearningRate * (step < warm ? (step + 1) / warm : 0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * (step - warm) / (settings.Steps - warm))));
            optimizer.LearningRate = lr;
            var batch = order.Batch(step, settings.BatchSize);
            using (var scope = NewDisposeScope())
            {
                optimizer.ZeroGrad();
                var logits = model.Logits(batch.Select(i => encoded[i]).ToList());
                var loss = nn.functional.cross_entropy(logits, tensor(batch.Select(i => labels[i]).ToArray()));
                loss.backward();
                optimizer.Step();
                double v = loss.item<float>();
                smoothed = double.IsNaN(smoothed) ? v : 0.98 * smoothed + 0.02 * v;
            }
            if ((step + 1) % settings.CheckpointEvery == 0 || step + 1 == settings.Steps)
            {
                var file = Path.Combine(folder, $"step-{step + 1}.bin");
                SaveAtomically(model, file);
                foreach (var old in Directory.GetFiles(folder, "step-*.bin").Where(f => f != file)) File.Delete(old);
                Log($"{config.Name}: step {step + 1}/{settings.Steps}, loss {smoothed:F3}, {clock.Elapsed.TotalSeconds:F0} s");
            }
        }
        double accuracy = Top1(model, heldOut);
        double chance = heldOut.Average(e => 1.0 / e.Input.TextPair!.Split(' ').Length);
        var weights = Path.Combine(folder, "weights.bin");
        SaveAtomically(model, weights);
        Log($"{config.Name}: held-out next-move top-1 {accuracy:P1} (chance {chance:P1})");
        return new ChessPretrainResult(config.Name, model.ParameterCount, settings.Steps, train.Count, heldOut.Count, accuracy, chance,
            clock.Elapsed.TotalSeconds, weights);
    }

    /// <summary>Top-1 agreement of the model's argmax with the labels.</summary>
    public static double Top1(Classifier model, IReadOnlyList<Example> examples)
    {
        var probabilities = Training.Trainer.Predict(model, examples.Select(e => e.Input).ToList(), batchSize: 256);
        return examples.Select((e, i) => Metrics.Accuracy.ArgMax(probabilities[i]) == e.Label ? 1.0 : 0.0).Average();
    }

    /// <summary>Temp file + rename, so a kill never leaves a torn weights file under the final name.</summary>
    private static void SaveAtomically(ChessTransformer model, string path)
    {
        model.save(path + ".tmp");
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>
    /// Step s's batch: a slice of a seeded permutation of the corpus per epoch, so a resumed run sees the same batches.
    /// The current epoch's permutation is kept, not rebuilt every step.
    /// </summary>
    private sealed class EpochOrder(int count)
    {
        private int[] perm = [];
        private long epoch = -1;

        public int[] Batch(int step, int batch)
        {
            var result = new int[batch];
            for (int j = 0; j < batch; j++)
            {
                long position = (long)step * batch + j;
                if (position / count != epoch)
                {
                    epoch = position / count;
                    perm = Enumerable.Range(0, count).ToArray();
                    new SeededRandom(epoch, "chess/pretrain/epoch").Shuffle(perm);
                }
                result[j] = perm[(int)(position % count)];
            }
            return result;
        }
    }
}
