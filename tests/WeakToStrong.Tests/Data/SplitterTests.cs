using WeakToStrong.Data;

namespace WeakToStrong.Tests.Data;

public class SplitterTests
{
    private static List<Example> Pool(int n, double positiveShare = 0.5) =>
        Enumerable.Range(0, n).Select(i => Example.Of($"text {i}", null, i < n * positiveShare ? 1 : 0)).ToList();

    private static string[] Ids(IEnumerable<Example> xs) => xs.Select(e => e.Id).ToArray();

    [Fact]
    public void SameSeed_SameSplit()
    {
        var pool = Pool(1000);
        var s1 = Splitter.Split(pool, null, new SplitOptions(Seed: 7));
        var s2 = Splitter.Split(pool, null, new SplitOptions(Seed: 7));
        Assert.Equal(Ids(s1.A), Ids(s2.A));
        Assert.Equal(Ids(s1.B), Ids(s2.B));
        Assert.Equal(Ids(s1.Test), Ids(s2.Test));
    }

    [Fact]
    public void DifferentSeed_DifferentSplit()
    {
        var pool = Pool(1000);
        var s1 = Splitter.Split(pool, null, new SplitOptions(Seed: 1));
        var s2 = Splitter.Split(pool, null, new SplitOptions(Seed: 2));
        Assert.NotEqual(Ids(s1.A).Order(), Ids(s2.A).Order());
        Assert.NotEqual(Ids(s1.Test).Order(), Ids(s2.Test).Order());
    }

    [Fact]
    public void ValidationTask_ScoresOnlyTrainingPoolExamples()
    {
        var task = new TaskData("toy", ["no", "yes"], Pool(500), Pool(1000).Skip(500).ToList(), "tests", []);
        var validation = task.ValidationTask();
        Assert.Equal("toy-validation", validation.Name);
        Assert.Null(validation.Test);
        var (split, _) = WeakToStrong.Protocol.TaskPreparation.Prepare(validation, seed: 0);
        var pool = Ids(task.Train).ToHashSet();
        Assert.Equal(100, split.Test.Count); // one in five of the 500 training examples
        var trained = Ids(split.A).Concat(split.BInputs.Select(i => i.Id)).ToList();
        Assert.All(trained.Concat(Ids(split.Test)), id => Assert.Contains(id, pool));
        Assert.Empty(Ids(split.Test).Intersect(trained));
    }

    [Fact]
    public void HeldOutTest_DisjointSizesAndStratified()
    {
        var pool = Pool(1001, positiveShare: 0.3);
        var s = Splitter.Split(pool, null, new SplitOptions(Seed: 3));
        Assert.Equal(200, s.Test.Count); // round(0.2 * 1001)
        Assert.Equal(801, s.A.Count + s.B.Count);
        Assert.InRange(s.A.Count - s.B.Count, -1, 1);
        var all = Ids(s.A).Concat(Ids(s.B)).Concat(Ids(s.Test)).ToList();
        Assert.Equal(1001, all.Distinct().Count()); // disjoint and complete
        foreach (var set in new[] { s.A, s.B, s.Test })
            Assert.InRange(set.Count(e => e.Label == 1) / (double)set.Count, 0.29, 0.31);
    }

    [Fact]
    public void GivenTest_IsKept_AndPoolIsHalved()
    {
        var pool = Pool(100);
        var test = Enumerable.Range(0, 40).Select(i => Example.Of($"test {i}", null, i % 2)).ToList();
        var s = Splitter.Split(pool, test, new SplitOptions(Seed: 0));
        Assert.Equal(50, s.A.Count);
        Assert.Equal(50, s.B.Count);
        Assert.Equal(Ids(test).Order(), Ids(s.Test).Order());
        Assert.Empty(Ids(s.A).Intersect(Ids(s.B)));
        Assert.Equal(25, s.A.Count(e => e.Label == 1));
    }

    [Fact]
    public void Caps_AreStratifiedAndDeterministic()
    {
        var pool = Pool(1000);
        var opts = new SplitOptions(Seed: 5, MaxTrain: 300, MaxTest: 50);
        var s = Splitter.Split(pool, null, opts);
        Assert.Equal(50, s.Test.Count);
        Assert.Equal(150, s.A.Count);
        Assert.Equal(150, s.B.Count);
        Assert.Equal(75, s.A.Count(e => e.Label == 1));
        Assert.Equal(Ids(s.A), Ids(Splitter.Split(pool, null, opts).A));
        Assert.Contains(s.Notes, n => n.Contains("capped at 300"));
    }

    [Fact]
    public void BInputs_CarryNoLabels()
    {
        var s = Splitter.Split(Pool(20), null);
        Assert.Equal(s.B.Select(e => e.Input), s.BInputs);
    }
}
