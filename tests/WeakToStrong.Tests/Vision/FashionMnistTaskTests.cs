using WeakToStrong.Data;
using WeakToStrong.Data.Images;
using WeakToStrong.Data.Sources;
using WeakToStrong.Data.Tasks;
using WeakToStrong.Tests.Data;

namespace WeakToStrong.Tests.Vision;

/// <summary>fashion-mnist built from the installed Debian package: deterministic, balanced, disjoint, loadable as an image task.</summary>
public class FashionMnistTaskTests
{
    [FashionMnistFact]
    public void Build_IsDeterministicBalancedAndDisjoint()
    {
        var task = new FashionMnistTask();
        var first = task.Build();
        var second = new FashionMnistTask().Build();
        Assert.Equal(first.Train, second.Train);
        Assert.Equal(first.Test, second.Test);

        Assert.Equal(10, task.ClassNames.Length);
        Assert.Equal("Ankle boot", task.ClassNames[9]);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(task.TestPerClass, first.Test.Count(r => r.Label == c)));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(task.MaxTrainPerClass, first.Train.Count(r => r.Label == c)));
        Assert.All(first.Test, r => Assert.StartsWith("test/", r.Id));
        Assert.All(first.Train, r => Assert.StartsWith("train/", r.Id));
        var all = first.Train.Concat(first.Test).ToList();
        Assert.Equal(all.Count, all.Select(r => r.Id).Distinct().Count());
        Assert.Equal(all.Count, all.Select(r => r.Text).Distinct().Count()); // no image twice, none shared by train and test
        Assert.All(all.Take(50), r => Assert.Equal(28 * 28, GreyImage.Parse(r.Text).Pixels.Length));
    }

    [FashionMnistFact]
    public void SmallerCaps_GiveSubsetsOfTheSameDraw()
    {
        var full = new FashionMnistTask().Build();
        var small = new FashionMnistTask { TestPerClass = 5, MaxTrainPerClass = 7 }.Build();
        Assert.Equal(50, small.Test.Count);
        Assert.Equal(70, small.Train.Count);
        // Per class the draw order is fixed by the seed, so a smaller cap takes a prefix of it.
        Assert.Subset(full.Test.Select(r => r.Id).ToHashSet(), small.Test.Select(r => r.Id).ToHashSet());
    }

    [FashionMnistFact]
    public void Written_LoadsAsAnImageTask()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, FashionMnistTask.TaskName);
        new FashionMnistTask { TestPerClass = 3, MaxTrainPerClass = 4 }.Write(folder);
        var task = BuiltinTasks.Load(FashionMnistTask.TaskName, dir.Path);
        Assert.Equal(InputKinds.Image, task.Inputs);
        Assert.Equal(10, task.ClassCount);
        Assert.Equal(40, task.Train.Count);
        Assert.Equal(30, task.Test!.Count);
        Assert.Contains("dataset-fashion-mnist", task.Provenance);
    }

    [Fact]
    public void MissingPackage_SaysHowToInstallIt_AndWritesNothing()
    {
        using var dir = new TempDir();
        using var _ = SourcePackage.OverrideSearchPaths([], []); // as if nothing were installed
        var task = new FashionMnistTask();
        Assert.Equal("dataset-fashion-mnist", task.MissingSource()?.Name);
        var folder = Path.Combine(dir.Path, FashionMnistTask.TaskName);
        var e = Assert.Throws<InvalidOperationException>(() => task.Write(folder));
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.False(Directory.Exists(folder));
    }
}
