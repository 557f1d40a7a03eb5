using System.Globalization;
using WeakToStrong.Data;
using WeakToStrong.Losses;
using WeakToStrong.Models;
using WeakToStrong.Training;

namespace WeakToStrong.Cli;

/// <summary>
/// The settings `w2s run` and `w2s sweep` share, checked in one place before anything is loaded or trained, so that a
/// bad value fails at once and names its option rather than after the weak stage has trained.
/// </summary>
internal sealed record TrainingOptions(int Threads, string ThreadsOption, int Epochs, int MicroBatch, int? MaxTrain, int? MaxTest, double MinGap, int Seeds, int FirstSeed,
    string SeedsOption, string FirstSeedOption)
{
    public void Validate()
    {
        OptionChecks.Threads(ThreadsOption, Threads);
        OptionChecks.AtLeast("--epochs", Epochs, 1);
        OptionChecks.MicroBatch("--micro-batch", MicroBatch);
        OptionChecks.AtLeast("--max-train", MaxTrain, 1);
        OptionChecks.AtLeast("--max-test", MaxTest, 1);
        OptionChecks.Fraction("--min-gap", MinGap);
        OptionChecks.AtLeast(SeedsOption, Seeds, 1);
        OptionChecks.AtLeast(FirstSeedOption, FirstSeed, 0);
        if ((long)FirstSeed + Seeds - 1 > int.MaxValue) throw new UserInputException(SeedsOption, $"{FirstSeed} + {Seeds} seeds run past the largest seed {int.MaxValue}");
    }
}

/// <summary>Checks of single options; each failure is a <see cref="UserInputException"/> whose subject is the option.</summary>
internal static class OptionChecks
{
    public static void AtLeast(string option, int? value, int min)
    {
        if (value is int v && v < min)
            throw new UserInputException(option, $"must be at least {min}, not {v}");
    }

    public static void Threads(string option, int value)
    {
        if (value < 1 || value > 1024)
            throw new UserInputException(option, $"must be between 1 and 1024, not {value}", $"This machine has {Environment.ProcessorCount} processors.");
    }

    public static void MicroBatch(string option, int value)
    {
        // Training splits each batch into micro-batches of this size.
        int batch = ExperimentOptions.Defaults.BatchSize;
        if (value < 1 || batch % value != 0)
            throw new UserInputException(option, $"must divide the batch size {batch} ({string.Join(", ", Enumerable.Range(1, batch).Where(d => batch % d == 0))}), not {value}");
    }

    public static void Fraction(string option, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > 1)
            throw new UserInputException(option, $"must be a number from 0 to 1 (accuracy points / 100), not {Show(value)}");
    }

    /// <summary>Adam moves each weight by about the learning rate per step, so rates above this only blow training up.</summary>
    public const double MaxLearningRate = 10;

    public static void LearningRate(string option, double? value)
    {
        if (value is double v && (!double.IsFinite(v) || v <= 0 || v > MaxLearningRate))
            throw new UserInputException(option, $"must be a learning rate above 0 and at most {MaxLearningRate}, not {Show(v)}",
                "Leave it out to use the model's own (`w2s models` lists them).");
    }

    /// <summary>
    /// An output folder: not a file, not inside a file, and writable. With create, the folder is made now; without, a
    /// command that fails later leaves no empty folder behind, and the nearest existing ancestor is probed instead.
    /// </summary>
    public static void OutputFolder(string option, string path, bool create)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UserInputException(option, "is empty; give a folder");
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UserInputException(option, $"'{path}' is not a usable path ({e.Message})");
        }
        if (File.Exists(full))
            throw new UserInputException(option, $"{path} is a file, not a folder", "Give a folder (it is created if it does not exist).");
        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
                throw new UserInputException(option, $"{existing} is a file, so {path} cannot be a folder inside it", "Give another folder.");
            existing = Path.GetDirectoryName(existing);
            if (existing is null) break;
        }
        var probeFolder = create ? full : existing;
        try
        {
            if (create) Directory.CreateDirectory(full);
            if (probeFolder is null) return;
            var probe = Path.Combine(probeFolder, $".w2s-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e is UnauthorizedAccessException ? "permission denied" : Results.FileProblems.IsDiskFull(e) ? "the disk is full" : "the file system refused";
            throw new UserInputException(option, $"{path} is not a folder this process can write to (creating a file in {probeFolder} failed: {why})",
                "Give a folder you can write to.", e);
        }
    }

    /// <summary>A model name: built in, or a Hugging Face folder, which is loaded once here so a damaged one fails before training.</summary>
    public static ModelSpec Model(string option, string name, int threads)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new UserInputException(option, "is empty; give a model name (`w2s models` lists them)");
        try
        {
            var spec = ModelCatalog.Get(name);
            // Engine supervisors start Stockfish at their first input: check now that it is there.
            if (name.StartsWith("engine-d", StringComparison.Ordinal) && !File.Exists(WeakToStrong.Chess.EngineOptions.DefaultPath))
                throw new UserInputException("", $"model '{name}' runs Stockfish, which is not at {WeakToStrong.Chess.EngineOptions.DefaultPath}",
                    "Install it (Debian: apt-get install stockfish).");
            if (name.StartsWith(HuggingFaceCheckpoint.Prefix, StringComparison.Ordinal))
            {
                TorchRuntime.Initialize(threads);
                HuggingFaceCheckpoint.Check(name[HuggingFaceCheckpoint.Prefix.Length..]);
            }
            return spec;
        }
        catch (UserInputException e) { throw e.Via(option); }
    }

    /// <summary>Generative finetuning trains a BERT body with masked-LM: other transformers (GPT-2 folders, the chess models) cannot.</summary>
    public static void GenerativeBody(string option, string name)
    {
        var spec = ModelCatalog.Get(name);
        if (spec is not { Layers: > 0, FrozenBody: false })
            throw new UserInputException(option, $"needs a transformer strong model (generative finetuning trains its body), not '{name}'");
        using var model = (spec.Architecture ?? spec.Create)(2);
        if (model is not BertClassifier)
            throw new UserInputException(option, $"generative finetuning is masked-LM on a BERT-family encoder; '{name}' is not one");
    }

    public static void Loss(string option, string name)
    {
        try { LossRegistry.Create(name); }
        catch (UserInputException e) { throw e.Via(option); }
    }

    /// <summary>A built-in task is a name; a path here is a mistake (own data comes through --data or a .jsonl entry).</summary>
    public static void TaskName(string option, string name)
    {
        try { BuiltinTasks.RequireName(name); }
        catch (UserInputException e) { throw e.Via(option); }
    }

    /// <summary>A data file given by an option: it exists and is a file (its content is checked by the loader, which names lines).</summary>
    public static void DataFile(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UserInputException(option, "is empty; give a JSONL file");
        if (Directory.Exists(path))
            throw new UserInputException(option, $"{path} is a folder, not a data file", "Give a JSONL file (one JSON object a line).");
        if (!File.Exists(path))
            throw new UserInputException(option, $"{path}: file not found", $"Check the path (relative paths start from {Environment.CurrentDirectory}).");
    }

    private static string Show(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
