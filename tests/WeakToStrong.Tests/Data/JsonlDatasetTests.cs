using WeakToStrong.Data;

namespace WeakToStrong.Tests.Data;

public class JsonlDatasetTests
{
    [Fact]
    public void IntegerLabels_BlankLinesIgnored()
    {
        using var tmp = new TempJsonl();
        var path = tmp.Write("ints.jsonl", """{"text": "a", "label": 0}""", "", "   ", """{"text": "b", "label": 1}""", """{"text": "c", "label": 2.0}""");
        var task = JsonlDataset.Load(path);
        Assert.Equal(["0", "1", "2"], task.ClassNames);
        Assert.Equal([0, 1, 2], task.Train.Select(e => e.Label));
        Assert.Null(task.Test);
        Assert.Equal("ints", task.Name);
    }

    [Fact]
    public void BooleanLabels()
    {
        using var tmp = new TempJsonl();
        var task = JsonlDataset.Load(tmp.Write("b.jsonl", """{"text": "a", "label": true}""", """{"text": "b", "label": false}"""));
        Assert.Equal(["false", "true"], task.ClassNames);
        Assert.Equal([1, 0], task.Train.Select(e => e.Label));
    }

    [Fact]
    public void ClassNameLabels_AreSortedOrdinally()
    {
        using var tmp = new TempJsonl();
        var task = JsonlDataset.Load(tmp.Write("s.jsonl",
            """{"text": "a", "label": "positive"}""", """{"text": "b", "label": "negative"}""", """{"text": "c", "label": "positive"}"""));
        Assert.Equal(["negative", "positive"], task.ClassNames);
        Assert.Equal([1, 0, 1], task.Train.Select(e => e.Label));
    }

    [Fact]
    public void IndexLikeStrings_AreIndices()
    {
        using var tmp = new TempJsonl();
        var task = JsonlDataset.Load(tmp.Write("s.jsonl", """{"text": "a", "label": "1"}""", """{"text": "b", "label": "0"}"""));
        Assert.Equal(["0", "1"], task.ClassNames);
        Assert.Equal([1, 0], task.Train.Select(e => e.Label));
    }

    [Fact]
    public void ExplicitClassNames_FixTheOrder()
    {
        using var tmp = new TempJsonl();
        var task = JsonlDataset.Load(tmp.Write("s.jsonl", """{"text": "a", "label": "yes"}""", """{"text": "b", "label": "no"}"""),
            classNames: ["yes", "no"]);
        Assert.Equal([0, 1], task.Train.Select(e => e.Label));
    }

    [Fact]
    public void CustomFieldNames_AndPairs()
    {
        using var tmp = new TempJsonl();
        var path = tmp.Write("p.jsonl",
            """{"premise": "a cat", "hypothesis": "an animal", "gold": 1, "extra": [1, 2]}""",
            """{"premise": "a cat", "hypothesis": "a car", "gold": 0}""");
        var task = JsonlDataset.Load(path, new JsonlFields(Text: "premise", TextPair: "hypothesis", Label: "gold"));
        Assert.Equal(2, task.Train.Count);
        Assert.Equal("an animal", task.Train[0].Input.TextPair);
        Assert.Equal(ModelInput.ContentId("a cat", "an animal"), task.Train[0].Id);
        Assert.NotEqual(task.Train[0].Id, task.Train[1].Id);
    }

    [Fact]
    public void Duplicates_AreDroppedAndCounted_ConflictsDropAllCopies()
    {
        using var tmp = new TempJsonl();
        var path = tmp.Write("d.jsonl",
            """{"text": "a", "label": 0}""", """{"text": "a", "label": 0}""", """{"text": "b", "label": 1}""",
            """{"text": "c", "label": 0}""", """{"text": "c", "label": 1}""", """{"text": "d", "label": 1}""");
        var task = JsonlDataset.Load(path);
        Assert.Equal(["a", "b", "d"], task.Train.Select(e => e.Input.Text));
        Assert.Contains(task.Notes, n => n.Contains("dropped 1 duplicate") && n.Contains("line 2 repeats line 1"));
        Assert.Contains(task.Notes, n => n.Contains("conflicting labels") && n.Contains("line 5 contradicts line 4"));
    }

    [Fact]
    public void TrainAndTest_ShareClasses_AndOverlapIsRemovedFromTrain()
    {
        using var tmp = new TempJsonl();
        var train = tmp.Write("train.jsonl", """{"text": "a", "label": "pos"}""", """{"text": "b", "label": "neg"}""", """{"text": "x", "label": "neg"}""");
        var test = tmp.Write("test.jsonl", """{"text": "x", "label": "neg"}""", """{"text": "y", "label": "pos"}""");
        var task = JsonlDataset.LoadTask("t", train, test);
        Assert.Equal(["neg", "pos"], task.ClassNames);
        Assert.Equal(["a", "b"], task.Train.Select(e => e.Input.Text));
        Assert.Equal([0, 1], task.Test!.Select(e => e.Label));
        Assert.Contains(task.Notes, n => n.Contains("also occurs in the test file"));
    }

    [Theory]
    [InlineData("""{"label": 0}""", "text", "missing")]
    [InlineData("""{"text": 5, "label": 0}""", "text", "must be a string")]
    [InlineData("""{"text": "  ", "label": 0}""", "text", "empty")]
    [InlineData("""{"text": "z"}""", "label", "missing")]
    [InlineData("""{"text": "z", "label": null}""", "label", "missing")]
    [InlineData("""{"text": "z", "label": 1.5}""", "label", "not a class index")]
    [InlineData("""{"text": "z", "label": {"a": 1}}""", "label", "an object")]
    [InlineData("""{"text": "z", "label": [1]}""", "label", "an array")]
    [InlineData("""{"text": "z", "label": -1}""", "label", "negative")]
    [InlineData("""{"text": "z", "label": "yes"}""", "label", "one kind of label")]
    [InlineData("""{"text": "z", "text_pair": 3, "label": 0}""", "text_pair", "must be a string")]
    public void BadLine_NamesFileLineAndField(string badLine, string field, string problem)
    {
        using var tmp = new TempJsonl();
        var path = tmp.Write("bad.jsonl", """{"text": "a", "label": 0}""", "", """{"text": "b", "label": 1}""", badLine);
        var ex = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load(path));
        Assert.Equal(path, ex.File);
        Assert.Equal(4, ex.Line);
        Assert.Equal(field, ex.Field);
        Assert.Contains($"{path}:4: field '{field}':", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Theory]
    [InlineData("""{"text": "z", "label": 0""")]
    [InlineData("""not json""")]
    [InlineData("""[1, 2]""")]
    public void InvalidJson_NamesFileAndLine(string badLine)
    {
        using var tmp = new TempJsonl();
        var path = tmp.Write("bad.jsonl", """{"text": "a", "label": 0}""", badLine);
        var ex = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load(path));
        Assert.Equal(2, ex.Line);
        Assert.StartsWith($"{path}:2:", ex.Message);
        Assert.Contains("JSON", ex.Message);
    }

    [Fact]
    public void EmptyFile_IsAnError()
    {
        using var tmp = new TempJsonl();
        var path = tmp.Write("empty.jsonl", "", "  ");
        var ex = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void OneClassOnly_IsAnError()
    {
        using var tmp = new TempJsonl();
        var path = tmp.Write("one.jsonl", """{"text": "a", "label": "spam"}""", """{"text": "b", "label": "spam"}""");
        var ex = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load(path));
        Assert.Equal("label", ex.Field);
        Assert.Contains("only class 'spam'", ex.Message);
        Assert.Contains("at least two classes", ex.Message);
    }

    [Fact]
    public void TestLabelOutsideTrainClasses_IsAnError()
    {
        using var tmp = new TempJsonl();
        var train = tmp.Write("train.jsonl", """{"text": "a", "label": "pos"}""", """{"text": "b", "label": "neg"}""");
        var test = tmp.Write("test.jsonl", """{"text": "c", "label": "pos"}""", """{"text": "d", "label": "maybe"}""");
        var ex = Assert.Throws<DatasetFormatException>(() => JsonlDataset.LoadTask("t", train, test));
        Assert.Equal(test, ex.File);
        Assert.Equal(2, ex.Line);
        Assert.Contains("'maybe' is not one of the classes [neg, pos]", ex.Message);
    }
}
