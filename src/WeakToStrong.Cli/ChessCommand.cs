using System.CommandLine;
using WeakToStrong.Chess;

namespace WeakToStrong.Cli;

/// <summary>`w2s chess pretrain`: builds (or resumes) the chess models' pretraining and prints held-out next-move accuracy.</summary>
internal static class ChessCommand
{
    public static Command Create()
    {
        var chess = new Command("chess", "The chess track's models.");
        var pretrain = new Command("pretrain", "Pretrain chess models by next-move prediction on self-play games (cached and resumable; also runs on first use).");
        var model = new Option<string?>("--model") { Description = "One model (default: the whole ladder, smallest first)" };
        var threads = new Option<int>("--threads") { Description = "Torch threads", DefaultValueFactory = _ => Environment.ProcessorCount };
        var steps = new Option<int?>("--steps") { Description = "Pretraining steps (default: the ladder's; another count is cached separately)" };
        var games = new Option<int?>("--games") { Description = "Self-play games in the corpus (default: the ladder's; another count is cached separately)" };
        pretrain.Options.Add(model);
        pretrain.Options.Add(steps);
        pretrain.Options.Add(games);
        pretrain.Options.Add(threads);
        pretrain.SetAction(r => CliErrors.Guard(() =>
        {
            var name = r.GetValue(model);
            OptionChecks.Threads("--threads", r.GetValue(threads));
            OptionChecks.AtLeast("--steps", r.GetValue(steps), 1);
            OptionChecks.AtLeast("--games", r.GetValue(games), 1);
            IReadOnlyList<ChessModel> ladder;
            try { ladder = name is null ? ChessModels.Ladder : [ChessModels.Get(name)]; }
            catch (ArgumentException e) { throw new UserInputException("--model", e.Message); }
            WeakToStrong.Training.TorchRuntime.Initialize(r.GetValue(threads));
            // Zero-shot puzzle accuracy of the pretrained policy, when the puzzle task is prepared (no finetuning, no labels used).
            var puzzles = WeakToStrong.Data.BuiltinTasks.Exists("chess-puzzles") ? WeakToStrong.Data.BuiltinTasks.Load("chess-puzzles").Test : null;
            ChessPretrainSettings Settings(ChessModel m)
            {
                var settings = m.Pretraining;
                if (r.GetValue(steps) is int n) settings = settings with { Steps = n };
                if (r.GetValue(games) is int g) settings = settings with { Games = g };
                return settings;
            }
            var results = ladder.Select(m => ChessPretraining.Ensure(m.Architecture, Settings(m))).ToList();
            Console.WriteLine("model     parameters  steps  train positions  held-out top-1  chance  puzzles top-1 (zero-shot)  seconds  weights");
            foreach (var (m, result) in ladder.Zip(results))
            {
                string zeroShot = "-";
                if (puzzles is not null)
                {
                    using var model = new ChessTransformer(m.Architecture, WeakToStrong.Data.Tasks.ChessPuzzlesTask.MaxMoves);
                    model.load(result.WeightsFile); // these settings' weights, which need not be the ladder's
                    zeroShot = $"{ChessPretraining.Top1(model, puzzles):P1}";
                }
                Console.WriteLine($"{result.Model,-9} {result.Parameters,10:N0}  {result.Steps,5}  {result.TrainPositions,15:N0}  {result.HeldOutTop1,14:P1}  " +
                                  $"{result.ChanceTop1,6:P1}  {zeroShot,25}  {result.Seconds,7:F0}  {result.WeightsFile}");
            }
        }));
        chess.Subcommands.Add(pretrain);
        return chess;
    }
}
