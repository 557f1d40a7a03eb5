namespace WeakToStrong.Data;

/// <summary>
/// What a task's inputs are, and so which models can read them. Every input is a <see cref="ModelInput"/> (one or two
/// strings), so the protocol, caches and result files are shared by all tracks; the kind says how models parse the strings.
/// </summary>
public static class InputKinds
{
    /// <summary>Natural-language text, or a pair of texts.</summary>
    public const string Text = "text";

    /// <summary>An image, serialised into Text by the task (see the vision task for the format).</summary>
    public const string Image = "image";

    /// <summary>A chess position: Text is a FEN, TextPair its legal moves in UCI; class k is the k-th legal move.</summary>
    public const string Chess = "chess";

    /// <summary>A preference pair: Text and TextPair are two transcripts; label 1 means Text is preferred. Read by text models as reward models.</summary>
    public const string Preference = "preference";

    /// <summary>Whether a model reading <paramref name="modelInputs"/> can be trained on a task of <paramref name="taskInputs"/>.</summary>
    public static bool Accepts(string modelInputs, string taskInputs) =>
        modelInputs == taskInputs || (taskInputs == Preference && modelInputs == Text);

    /// <summary>Throws a clear error when a model cannot read a task's inputs.</summary>
    public static void Require(string model, string modelInputs, string task, string taskInputs)
    {
        if (!Accepts(modelInputs, taskInputs))
            throw new UserInputException("",
                $"Model '{model}' reads {modelInputs} inputs, but task '{task}' has {taskInputs} inputs.",
                $"Pick models listed for {taskInputs} by `w2s models`.");
    }
}
