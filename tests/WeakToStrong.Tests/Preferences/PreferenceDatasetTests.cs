using WeakToStrong.Data;
using WeakToStrong.Tests.Data;
using Xunit;

namespace WeakToStrong.Tests.Preferences;

public class PreferenceDatasetTests
{
    [Fact]
    public void PairOrderIsRandomisedSoAConstantAnswerScoresAboutHalf()
    {
        var examples = Enumerable.Range(0, 2000).Select(i => new Preference($"prompt {i}", $"good answer {i}", $"bad answer {i}").ToExample()).ToList();
        double firstPreferred = examples.Average(e => e.Label);
        Assert.InRange(firstPreferred, 0.46, 0.54);
        foreach (var e in examples.Take(50))
        {
            // Label 1 means the first transcript holds the chosen response; the order is a function of the content.
            var first = e.Label == 1 ? e.Input.Text : e.Input.TextPair!;
            Assert.Contains("good", first);
            Assert.StartsWith("prompt", e.Input.Text);
        }
        var again = new Preference("prompt 7", "good answer 7", "bad answer 7").ToExample();
        Assert.Equal(examples[7], again);
    }

    [Fact]
    public void ReadsBothLayouts()
    {
        using var dir = new TempDir();
        var withPrompt = Write(dir, "p.jsonl", """
            {"prompt": "What is 2+2?", "chosen": "4", "rejected": "5"}

            {"prompt": "Capital of France?", "chosen": "Paris", "rejected": "Lyon"}
            """);
        var task = PreferenceDataset.LoadTask("p", withPrompt);
        Assert.Equal(InputKinds.Preference, task.Inputs);
        Assert.Equal(2, task.Train.Count);
        Assert.True(PreferenceDataset.IsPreferenceFile(withPrompt));

        var transcripts = Write(dir, "t.jsonl", """
            {"chosen": "\n\nHuman: hi\n\nAssistant: hello!", "rejected": "\n\nHuman: hi\n\nAssistant: go away"}
            """);
        var pair = PreferenceDataset.Read(transcripts).Single();
        Assert.Null(pair.Prompt);
        Assert.Equal("\n\nHuman: hi\n\nAssistant: hello!", Preference.Transcript(pair.Prompt, pair.Chosen));
    }

    [Theory]
    [InlineData("{\"chosen\": \"a\", \"rejected\": \"b\"}\n{\"chosen\": \"a\"}", 2, "rejected", "is missing")]
    [InlineData("{\"chosen\": \"a\", \"rejected\": \"a\"}", 1, "rejected", "identical")]
    [InlineData("{\"chosen\": 3, \"rejected\": \"b\"}", 1, "chosen", "must be a string")]
    [InlineData("{\"chosen\": \"a\", \"rejected\": \"b\"}\n{\"chosen\": \"a\", \"rejected\": ", 2, null, "not valid JSON")]
    [InlineData("{\"prompt\": \"q\", \"chosen\": \"a\", \"rejected\": \"b\"}\n{\"chosen\": \"a\", \"rejected\": \"b\"}", 2, "prompt", "one layout")]
    [InlineData("{\"chosen\": \" \", \"rejected\": \"b\"}", 1, "chosen", "is empty")]
    public void BadLinesNameFileLineAndField(string content, int line, string? field, string problem)
    {
        using var dir = new TempDir();
        var path = Write(dir, "bad.jsonl", content);
        var ex = Assert.Throws<DatasetFormatException>(() => PreferenceDataset.Read(path));
        Assert.Equal(path, ex.File);
        Assert.Equal(line, ex.Line);
        Assert.Equal(field, ex.Field);
        Assert.Contains(problem, ex.Message);
        Assert.Contains($"{path}:{line}", ex.Message);
    }

    private static string Write(TempDir dir, string name, string content)
    {
        var path = Path.Combine(dir.Path, name);
        File.WriteAllText(path, content);
        return path;
    }
}
