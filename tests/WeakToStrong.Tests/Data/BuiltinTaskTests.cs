using WeakToStrong.Data;
using WeakToStrong.Data.Tasks;
using Xunit.Abstractions;

namespace WeakToStrong.Tests.Data;

public class BuiltinTaskTests(ITestOutputHelper output)
{
    [Fact]
    public void WordNetGloss_LoadsBalancedWithDisjointWords()
    {
        var task = BuiltinTasks.Load("wordnet-gloss");
        Assert.Equal(["no", "yes"], task.ClassNames);
        Assert.NotNull(task.Test);
        Assert.Empty(task.Notes); // nothing dropped: the files are clean
        Assert.Equal(10_000, task.Train.Count);
        Assert.Equal(1_500, task.Test!.Count);
        Assert.Equal(0.5, Balancer.MajorityRate(task.Train));
        Assert.Equal(0.5, Balancer.MajorityRate(task.Test));
        var trainWords = task.Train.Select(e => e.Input.Text).ToHashSet();
        Assert.DoesNotContain(task.Test, e => trainWords.Contains(e.Input.Text));
        Assert.All(task.Train, e => Assert.False(string.IsNullOrEmpty(e.Input.TextPair)));
        // Every word in exactly one example and every gloss in at most one, across train and test: a word or a gloss
        // seen in half A says nothing about the label of an example in half B or in the test set.
        var all = task.Train.Concat(task.Test).ToList();
        Assert.Equal(all.Count, all.Select(e => e.Input.Text).Distinct().Count());
        Assert.Equal(all.Count, all.Select(e => e.Input.TextPair).Distinct().Count());
    }

    [Fact]
    public void UnknownTask_ListsAvailableTasks()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => BuiltinTasks.Load("no-such-task"));
        Assert.Contains("no-such-task", ex.Message);
        Assert.Contains("wordnet-gloss", ex.Message);
        Assert.Contains("wordnet-gloss", BuiltinTasks.Names());
    }

    /// <summary>
    /// Rebuilds wordnet-gloss from the installed WordNet files and compares with the committed files byte for byte.
    /// Skipped, saying why, without Debian's wordnet-base.
    /// Set W2S_REGENERATE_DATA=1 to write the files into the repository's data/ folder instead of comparing.
    /// </summary>
    [SkippableFact]
    public void WordNetGlossBuilder_ReproducesCommittedFiles()
    {
        Skip.IfNot(WordNetGlossTask.IsInstalled(), $"wordnet-base is not installed ({WordNetGlossTask.DefaultWordNetDir}; apt-get install wordnet-base): nothing to compare");
        var task = new WordNetGlossTask();
        var committed = Path.Combine(TestEnvironment.RepoRoot(), "data", task.Name);
        if (Environment.GetEnvironmentVariable("W2S_REGENERATE_DATA") == "1")
        {
            var s = task.Write(committed);
            output.WriteLine($"wrote {committed}: {string.Join("; ", s.Notes)}");
            return;
        }
        var dir = Directory.CreateTempSubdirectory("w2s-wordnet-").FullName;
        try
        {
            var built = task.Write(dir);
            output.WriteLine(string.Join("; ", built.Notes));
            foreach (var file in new[] { "train.jsonl", "test.jsonl", "task.json" })
                Assert.True(File.ReadAllBytes(Path.Combine(committed, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, file))),
                    $"{file} differs from the committed {Path.Combine(committed, file)}");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void GlossCleaning_DropsQuotedExamples()
    {
        Assert.Equal("draw air into, and expel out of, the lungs",
            WordNetDatabase.CleanGloss("draw air into, and expel out of, the lungs; \"I can breathe; really\"; \"The patient is respiring\"  "));
        Assert.Equal("a; b", WordNetDatabase.CleanGloss("a; b; \"ex\""));
    }

    [Fact]
    public void LeakCheck_CatchesInflections()
    {
        Assert.True(WordNetGlossTask.Leaks("make", "the act of making something"));
        Assert.True(WordNetGlossTask.Leaks("take_off", "to take something off"));
        Assert.False(WordNetGlossTask.Leaks("dog", "a domesticated carnivore"));
    }
}
