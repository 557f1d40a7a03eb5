using System.CommandLine;
using WeakToStrong.Protocol;

namespace WeakToStrong.Cli;

/// <summary>
/// The options `w2s run` and `w2s sweep` share, declared once. Their defaults are <see cref="ExperimentConfig"/>'s, and
/// <see cref="Template"/> turns them into the experiment the command varies.
/// </summary>
internal sealed class ExperimentOptions
{
    /// <summary>The defaults of an experiment: the one place they are written is ExperimentConfig.</summary>
    public static readonly ExperimentConfig Defaults = new();

    public Option<int?> MaxTrain { get; } = new("--max-train") { Description = "Use at most this many training-pool examples (A+B)" };
    public Option<int?> MaxTest { get; } = new("--max-test") { Description = "Use at most this many test examples" };
    public Option<int> Epochs { get; } = new("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => Defaults.Epochs };
    public Option<int?> MinSteps { get; } = new("--min-steps") { Description = "Training budget floor of the stages trained on ground truth (weak, ceiling): at least this many optimizer steps, adding whole epochs on small sets (default: each model's own, see `w2s models`)" };
    public Option<int> StudentMinSteps { get; } = new("--student-min-steps") { Description = "Training budget floor of the stages trained on labels (students, bootstrap links); 0: --epochs, as the paper", DefaultValueFactory = _ => Defaults.StudentMinSteps };
    public Option<int> MicroBatch { get; } = new("--micro-batch") { Description = $"Micro-batch size (each batch of {Defaults.BatchSize} is split into micro-batches to save memory)", DefaultValueFactory = _ => Defaults.MicroBatchSize };
    public Option<bool> LinearProbe { get; } = new("--linear-probe") { Description = "Freeze the transformers and train only their heads", DefaultValueFactory = _ => Defaults.LinearProbe };
    public Option<double> MinGap { get; } = new("--min-gap") { Description = "PGR is undefined below this ceiling-weak gap (accuracy points / 100)", DefaultValueFactory = _ => Defaults.MinGap };
    public Option<int> Threads { get; } = new("--threads") { Description = "Torch threads", DefaultValueFactory = _ => Environment.ProcessorCount };
    public Option<bool> GroupByLength { get; } = new("--group-by-length") { Description = "Training batches of similar length: less padding, faster on texts of mixed length; false draws batches at random", DefaultValueFactory = _ => Defaults.GroupByLength };

    public Option<string> Precision { get; } = new("--precision")
    {
        Description = "Transformer matmuls: auto (bf16 where the CPU has fast bf16 matmuls, AVX-512 or AMX; else fp32), bf16 (float32 master weights, LayerNorms, loss and optimizer) or fp32",
        DefaultValueFactory = _ => "auto",
    };

    public IEnumerable<Option> All => [MaxTrain, MaxTest, Epochs, MinSteps, StudentMinSteps, MicroBatch, LinearProbe, MinGap, Threads, GroupByLength, Precision];

    /// <summary>The shared options, checked. Threads and seeds are named per command (a Slurm sweep's threads are its CPUs).</summary>
    public TrainingOptions Read(ParseResult r, int threads, string threadsOption, int seeds, int firstSeed, string seedsOption, string firstSeedOption)
    {
        var common = new TrainingOptions(threads, threadsOption, r.GetValue(Epochs), r.GetValue(MicroBatch), r.GetValue(MaxTrain), r.GetValue(MaxTest),
            r.GetValue(MinGap), seeds, firstSeed, seedsOption, firstSeedOption);
        common.Validate();
        if (r.GetValue(MinSteps) is < 0) throw new UserInputException("--min-steps", $"must not be negative, got {r.GetValue(MinSteps)}");
        if (r.GetValue(StudentMinSteps) is < 0) throw new UserInputException("--student-min-steps", $"must not be negative, got {r.GetValue(StudentMinSteps)}");
        if (Bf16(r) == true && !Models.Bf16Support.HasFastMatmul) Console.Error.WriteLine("w2s: warning: " + Models.Bf16Support.SlowWarning);
        return common;
    }

    /// <summary>The experiment these options describe; models, loss and seed are the command's to set.</summary>
    public ExperimentConfig Template(ParseResult r, TrainingOptions common) => Defaults with
    {
        Epochs = common.Epochs, MicroBatchSize = common.MicroBatch, LinearProbe = r.GetValue(LinearProbe), MinGap = common.MinGap,
        GroupByLength = r.GetValue(GroupByLength), MinSteps = r.GetValue(MinSteps), StudentMinSteps = r.GetValue(StudentMinSteps), Bf16 = Bf16(r),
    };

    private bool? Bf16(ParseResult r) => r.GetValue(Precision) switch
    {
        "auto" => null,
        "bf16" => true,
        "fp32" => false,
        var other => throw new UserInputException("--precision", $"must be auto, bf16 or fp32, got '{other}'"),
    };
}
