using WeakToStrong.Data.Sources;

namespace WeakToStrong.Data.Tasks;

/// <summary>Where a task stands: its files exist (and where), or it can be built, or a source package is missing.</summary>
internal enum TaskState { Ready, Buildable, MissingSource }

internal sealed record TaskStatus(TaskBuilder Builder, TaskState State, string? Folder, SourcePackage? Missing);

/// <summary>Every task of the suite. Shipped tasks are committed under data/; the others are built by `w2s data prepare`.</summary>
internal static class TaskRegistry
{
    public static IReadOnlyList<TaskBuilder> All { get; } =
    [
        new WordNetDefinitionTask { TestPerClass = 1000, MaxTrainPerClass = 6000 },
        new WordNetGlossTask(),
        new WordNetHypernymTask(),
        new WordNetCategoryTask("wordnet-living", "a living thing", "n00004258"),
        new WordNetCategoryTask("wordnet-artifact", "an artifact (a man-made object)", "n00021939"),
        new WordNetCategoryTask("wordnet-food", "a food or drink", "n00021265", lexFile: 13) { TestPerClass = 300, MaxTrainPerClass = 1200 },
        new WordNetAntonymTask(),
        new RhymeTask(),
        new SpamAssassinTask { MaxTrainPerClass = 10_000 },
        new FineFoodReviewsTask(),
        new TrumpTweetsTask { MaxTrainPerClass = 10_000 },
        new MovieGenreTask { TestPerClass = 300, MaxTrainPerClass = 10_000 },
        new PreferenceDefinitionsTask(),
        new PreferenceReviewsTask { TestPerClass = 300, MaxTrainPerClass = 1200 },
        new FashionMnistTask(),
        new ChessPuzzlesTask(),
        new PreferenceChessTask(),
    ];

    public static TaskBuilder? Find(string name) => All.FirstOrDefault(b => b.Name == name);

    /// <summary>Ready if task.json exists in the shipped folder or in dataDir (default: the prepared-data folder).</summary>
    public static TaskStatus Status(TaskBuilder b, string? dataDir = null)
    {
        foreach (var root in new[] { BuiltinTasks.DataRoot, dataDir ?? DataPaths.PreparedRoot })
        {
            var folder = Path.Combine(root, b.Name);
            if (File.Exists(Path.Combine(folder, "task.json"))) return new TaskStatus(b, TaskState.Ready, folder, null);
        }
        var missing = b.MissingSource();
        return new TaskStatus(b, missing is null ? TaskState.Buildable : TaskState.MissingSource, null, missing);
    }
}

/// <summary>The WordNet source shared by the wordnet-* tasks.</summary>
internal static class WordNetSource
{
    public const string Licence = "WordNet 3.0 licence (Princeton University; BSD-like, notice must be kept: data/wordnet-gloss/LICENSE)";
    public static readonly SourcePackage Package = new(PackageKind.Apt, "wordnet-base", "WordNet 3.0 licence", "/usr/share/wordnet/data.noun");
}
