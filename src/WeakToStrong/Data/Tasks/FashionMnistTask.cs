using WeakToStrong.Data.Images;
using WeakToStrong.Data.Sources;

namespace WeakToStrong.Data.Tasks;

/// <summary>
/// fashion-mnist: which of ten kinds of clothing a 28x28 greyscale photo shows (Zalando's Fashion-MNIST, from the Debian
/// package dataset-fashion-mnist). The vision track of the paper's appendix. Inputs are images serialised by
/// <see cref="GreyImage"/> ("grey28x28:" + base64 of the 784 pixel bytes). The test set is drawn class-balanced from the
/// official test split and the training pool, capped per class, from the official training split, so a run stays
/// laptop-sized; ids name the image's index in its official file ("train/123", "test/45"). Training images identical to
/// a test image, and repeated images, are dropped.
/// </summary>
internal sealed class FashionMnistTask : TaskBuilder
{
    public const string TaskName = "fashion-mnist";
    private const string Folder = "/usr/share/datasets/fashion-mnist";

    public FashionMnistTask()
    {
        // ResNet18 features cost ~tens of ms an image on one core: 300 test images a class (3,000, accuracy standard
        // error under 1 point) and 600 training images a class keep a run to minutes.
        TestPerClass = 300;
        MaxTrainPerClass = 600;
    }

    public override string Name => TaskName;
    public override string Description => "Which kind of clothing does this 28x28 greyscale photo show? (10 classes; text = grey28x28:<base64 pixels>)";
    public override string[] ClassNames => ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
    public override string Inputs => InputKinds.Image;
    // MIT allows shipping, but the files would be megabytes of base64: built at prepare time from the package instead.
    public override bool Shipped => false;
    public override string DataLicence => "MIT (Fashion-MNIST, Zalando SE 2017)";
    public override IReadOnlyList<SourcePackage> Sources { get; } =
        [new(PackageKind.Apt, "dataset-fashion-mnist", "MIT (Expat)", Folder + "/train-images-idx3-ubyte.gz")];

    public override BuiltTask Build()
    {
        var folder = Sources[0].Locate() ?? throw new InvalidOperationException($"{Sources[0].Name} is not installed: {Sources[0].InstallHint}");
        var train = Read(folder, "train");
        var test = Read(folder, "t10k");
        var notes = new List<string> { $"official splits read: {train.Count} training and {test.Count} test images" };

        var testRows = Draw(test, "test", TestPerClass, exclude: null, notes);
        var testPixels = testRows.Select(r => r.Text).ToHashSet(StringComparer.Ordinal);
        var trainRows = Draw(train, "train", MaxTrainPerClass, exclude: testPixels, notes);
        notes.Add($"test set: {TestPerClass} images a class from the official test split; training pool: {MaxTrainPerClass} a class from the official training split");
        return new BuiltTask(trainRows, testRows, notes);
    }

    /// <summary>Images of one official split with their labels, in file order.</summary>
    private static List<(GreyImage Image, int Label)> Read(string folder, string prefix)
    {
        var images = IdxFile.Read(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"));
        var labels = IdxFile.Read(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"));
        if (images.Count != labels.Count) throw new FormatException($"{prefix}: {images.Count} images but {labels.Count} labels");
        return Enumerable.Range(0, images.Count).Select(i => (images.Image(i), (int)labels.Data[i])).ToList();
    }

    /// <summary>Per class, a seeded shuffle of the split's images, skipping repeats and excluded pixels, first perClass kept.</summary>
    private List<TaskRow> Draw(List<(GreyImage Image, int Label)> split, string name, int perClass, HashSet<string>? exclude, List<string> notes)
    {
        var rng = new SeededRandom(Seed, $"{TaskName}/{name}");
        var rows = new List<TaskRow>();
        int repeated = 0, excluded = 0;
        for (int c = 0; c < ClassNames.Length; c++)
        {
            var indices = Enumerable.Range(0, split.Count).Where(i => split[i].Label == c).ToList();
            rng.Shuffle(indices);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int kept = 0;
            foreach (var i in indices)
            {
                if (kept == perClass) break;
                var text = split[i].Image.Serialise();
                if (exclude?.Contains(text) == true) { excluded++; continue; }
                if (!seen.Add(text)) { repeated++; continue; }
                rows.Add(new TaskRow($"{name}/{i}", text, null, c));
                kept++;
            }
            if (kept < perClass) throw new InvalidOperationException($"{name}: class {c} has only {kept} distinct images; {perClass} wanted");
        }
        if (repeated > 0) notes.Add($"{name}: skipped {repeated} repeated images");
        if (excluded > 0) notes.Add($"{name}: skipped {excluded} images identical to a test image");
        rng.Shuffle(rows);
        return rows;
    }
}
