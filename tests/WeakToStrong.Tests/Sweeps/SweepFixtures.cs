using WeakToStrong.Data;
using WeakToStrong.Models;

namespace WeakToStrong.Tests.Sweeps;

/// <summary>Small data and cheap ladder rungs so sweeps run in well under a second per stage.</summary>
internal static class SweepFixtures
{
    /// <summary>Two bag-of-words rungs added after the built-in ladder (tests only): a 3-model ladder bow &lt; test-bow-b &lt; test-bow-c.</summary>
    public static IReadOnlyList<string> CheapLadder()
    {
        lock (ModelCatalog.TestRungs)
        {
            foreach (var name in new[] { "test-bow-b", "test-bow-c" })
                if (ModelCatalog.TestRungs.All(m => m.Name != name))
                    ModelCatalog.TestRungs.Add(new ModelSpec(name, "bag-of-words (test rung)", 0, 0, name.EndsWith('b') ? 3e-3 : 1e-2, "tests",
                        classes => new BagOfWordsClassifier(classes)));
        }
        return ["bow", "test-bow-b", "test-bow-c"];
    }

    /// <summary>A noisy keyword task: label 1 when the text holds a "good" word, 15% of labels flipped.</summary>
    public static TaskData Synthetic(string name = "synthetic", int train = 160, int test = 60)
    {
        var rng = new Random(11);
        string[] good = ["fine", "great", "lovely", "tasty"], bad = ["poor", "stale", "bland", "awful"], filler = ["the", "soup", "was", "quite", "today", "and", "very", "bread"];
        Example Make(int i)
        {
            int label = rng.Next(2);
            var words = Enumerable.Range(0, 6).Select(_ => filler[rng.Next(filler.Length)]).ToList();
            words.Insert(rng.Next(words.Count), (label == 1 ? good : bad)[rng.Next(4)]);
            int noisy = rng.NextDouble() < 0.15 ? 1 - label : label;
            return Example.Of($"{string.Join(' ', words)} #{i}", null, noisy);
        }
        return new TaskData(name, ["bad", "good"], Enumerable.Range(0, train).Select(Make).ToList(),
            Enumerable.Range(train, test).Select(Make).ToList(), "synthetic (tests)", []);
    }

    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), $"w2s-sweep-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
