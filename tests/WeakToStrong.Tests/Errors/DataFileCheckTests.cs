using System.Text;
using WeakToStrong.Data;
using WeakToStrong.Tests.Data;

namespace WeakToStrong.Tests.Errors;

/// <summary>The loader's sanity checks on labels and bytes: stray classes, inferred K, label kinds, encodings, folders.</summary>
public sealed class DataFileCheckTests : IDisposable
{
    private readonly TempJsonl _files = new();

    public void Dispose() => _files.Dispose();

    private static IEnumerable<string> Binary(int n, int offset = 0) =>
        Enumerable.Range(offset, n).Select(i => $"{{\"text\": \"example {i}\", \"label\": {i % 2}}}");

    [Fact]
    public void AStrayIntegerLabelIsAnErrorNamingItsLine()
    {
        var lines = Binary(300).ToList();
        lines.Insert(41, "{\"text\": \"odd\", \"label\": 2}");
        var path = _files.Write("stray.jsonl", [.. lines]);
        var e = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load(path));
        Assert.Equal(42, e.Line);
        Assert.Equal("label", e.Field);
        Assert.Contains("label 2", e.Message);
    }

    [Fact]
    public void AHugeStrayLabelDoesNotBuildTenThousandClasses()
    {
        var lines = Binary(300).ToList();
        lines.Insert(9, "{\"text\": \"odd\", \"label\": 9999}");
        var path = _files.Write("huge.jsonl", [.. lines]);
        var e = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load(path));
        Assert.Equal(10, e.Line);
        Assert.Contains("10000 classes", e.Message);
        Assert.Contains("only 3 distinct labels", e.Message);
    }

    [Fact]
    public void KFarAboveTheDistinctLabelsIsAnErrorEvenWhenEveryClassIsLarge()
    {
        var path = _files.Write("gaps.jsonl", [.. Enumerable.Range(0, 90).Select(i => $"{{\"text\": \"t{i}\", \"label\": {i % 3 * 3}}}")]);
        var e = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load(path));
        Assert.Contains("label 6 makes 7 classes", e.Message);
        Assert.Equal(3, e.Line); // the first line with label 6
    }

    [Fact]
    public void LabelsNumberedFromOneStillLoadWithANote()
    {
        // One unused index (0) is a common export and harmless: a note, not an error.
        var path = _files.Write("from1.jsonl", [.. Enumerable.Range(0, 60).Select(i => $"{{\"text\": \"t{i}\", \"label\": {1 + i % 2}}}")]);
        var task = JsonlDataset.Load(path);
        Assert.Equal(3, task.ClassCount);
        Assert.Contains(task.Notes, n => n.Contains("no examples of class(es) '0'"));
    }

    [Fact]
    public void AClassNameTypoIsAnErrorButASmallRealClassAmongManyIsAWarning()
    {
        var typo = _files.Write("typo.jsonl", [.. Enumerable.Range(0, 100).Select(i => $"{{\"text\": \"t{i}\", \"label\": \"{(i == 50 ? "postive" : i % 2 == 0 ? "positive" : "negative")}\"}}")]);
        var e = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load(typo));
        Assert.Equal(51, e.Line);
        Assert.Contains("'postive'", e.Message);

        // Eight examples of a third class in 1,000 lines: enough to be a class, rare enough to mention.
        var rare = _files.Write("rare.jsonl", [.. Enumerable.Range(0, 1000).Select(i => $"{{\"text\": \"t{i}\", \"label\": {(i % 125 == 7 ? 2 : i % 2)}}}")]);
        var task = JsonlDataset.Load(rare);
        Assert.Equal(3, task.ClassCount);
        var warning = Assert.Single(task.Warnings);
        Assert.StartsWith($"{rare}:8: label 2 occurs on only 8 of 1000 lines", warning);
    }

    [Fact]
    public void ClassesGivenByTheCallerAreNotSecondGuessed()
    {
        // Built-in tasks name their classes (chess: 256 moves, most rare): no inference, no stray-class check.
        var path = _files.Write("given.jsonl", [.. Binary(200), "{\"text\": \"rare\", \"label\": 5}"]);
        var task = JsonlDataset.LoadTask("given", path, null, classNames: [.. Enumerable.Range(0, 8).Select(i => $"c{i}")]);
        Assert.Equal(8, task.ClassCount);
    }

    [Fact]
    public void TestLabelsOfAnotherKindThanTrainAreAnError()
    {
        var train = _files.Write("names.jsonl", [.. Enumerable.Range(0, 40).Select(i => $"{{\"text\": \"n{i}\", \"label\": \"{(i % 2 == 0 ? "neg" : "pos")}\"}}")]);
        var test = _files.Write("ints.jsonl", [.. Binary(20, offset: 100)]);
        var e = Assert.Throws<DatasetFormatException>(() => JsonlDataset.LoadTask("t", train, test));
        Assert.Equal(test, e.File);
        Assert.Equal(1, e.Line);
        Assert.Contains(train, e.Message);

        var bools = _files.Write("bools.jsonl", [.. Enumerable.Range(0, 20).Select(i => $"{{\"text\": \"b{i}\", \"label\": {(i % 2 == 0 ? "true" : "false")}}}")]);
        Assert.Throws<DatasetFormatException>(() => JsonlDataset.LoadTask("t", train, bools));

        // The same kind in both files still loads, index strings included.
        var indexStrings = _files.Write("idx.jsonl", [.. Enumerable.Range(0, 20).Select(i => $"{{\"text\": \"s{i}\", \"label\": \"{i % 2}\"}}")]);
        var task = JsonlDataset.LoadTask("t", _files.Write("train-ints.jsonl", [.. Binary(40)]), indexStrings);
        Assert.Equal(20, task.Test!.Count);
    }

    [Fact]
    public void InvalidUtf8IsCountedAndItsFirstLineNamed()
    {
        var path = _files.Write("bytes.jsonl", [.. Binary(40)]);
        var bytes = File.ReadAllBytes(path).ToList();
        int LineStart(int line) // 1-based
        {
            int seen = 1, i = 0;
            while (seen < line) if (bytes[i++] == '\n') seen++;
            return i;
        }
        bytes.Insert(LineStart(12) + 12, 0xFF);
        bytes.InsertRange(LineStart(30) + 12, [0xC3, 0x28]); // a lead byte without its continuation
        // A correctly encoded U+FFFD is text, not an error.
        bytes.InsertRange(LineStart(35) + 12, Encoding.UTF8.GetBytes("\uFFFD"));
        File.WriteAllBytes(path, [.. bytes]);

        var task = JsonlDataset.Load(path);
        var warning = Assert.Single(task.Warnings);
        Assert.StartsWith($"{path}:12: 2 invalid UTF-8 byte sequence(s)", warning);
        Assert.Contains(task.Notes, n => n.Contains("invalid UTF-8"));
        Assert.Equal(40, task.Train.Count);
    }

    [Fact]
    public void EscapesThatAreNotTextNameTheirLineAndField()
    {
        var text = _files.Write("surrogate.jsonl", [.. Binary(20), "{\"text\": \"x\", \"text_pair\": \"\\udc00\", \"label\": 0}"]);
        var e = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load(text));
        Assert.Equal((21, "text_pair"), (e.Line!.Value, e.Field!));
        var pair = _files.Write("pair.jsonl", "{\"chosen\": \"a \\ud800\", \"rejected\": \"b\"}");
        e = Assert.Throws<DatasetFormatException>(() => PreferenceDataset.Read(pair));
        Assert.Equal((1, "chosen"), (e.Line!.Value, e.Field!));
    }

    [Fact]
    public void Utf16AndBomAndCrlfFilesStillLoad()
    {
        var lines = string.Join("\r\n", Binary(30)) + "\r\n";
        var utf16 = Path.Combine(Path.GetDirectoryName(_files.Write("x.jsonl", "{}"))!, "utf16.jsonl");
        File.WriteAllText(utf16, lines, Encoding.Unicode);
        var bom = Path.Combine(Path.GetDirectoryName(utf16)!, "bom.jsonl");
        File.WriteAllText(bom, lines, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        foreach (var path in new[] { utf16, bom })
        {
            var task = JsonlDataset.Load(path);
            Assert.Equal(30, task.Train.Count);
            Assert.Empty(task.Warnings);
            Assert.Equal("example 0", task.Train[0].Input.Text);
        }
    }

    [Fact]
    public void AFolderOrAMissingFileIsNamedAsSuch()
    {
        var folder = Path.GetDirectoryName(_files.Write("x.jsonl", "{}"))!;
        var e = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load(folder));
        Assert.Contains("is a folder", e.Message);
        e = Assert.Throws<DatasetFormatException>(() => PreferenceDataset.Read(folder));
        Assert.Contains("is a folder", e.Message);
        e = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load(Path.Combine(folder, "absent.jsonl")));
        Assert.Contains("not found", e.Message);
    }

    [SkippableFact]
    public void AFileThatFailsToReadIsNamed()
    {
        // /proc/self/mem opens but reading at offset 0 fails (EIO): an I/O error midway through a file.
        Skip.IfNot(File.Exists("/proc/self/mem"), "this platform has no /proc/self/mem");
        var e = Assert.Throws<DatasetFormatException>(() => JsonlDataset.Load("/proc/self/mem"));
        Assert.StartsWith("/proc/self/mem: could not be read", e.Message);
        Assert.False(PreferenceDataset.IsPreferenceFile("/proc/self/mem"));
    }

    [Fact]
    public void APreferenceLineWithoutRejectedIsABrokenPairNotAClassificationLine()
    {
        var path = _files.Write("pairs.jsonl", "{\"chosen\": \"good\"}", "{\"chosen\": \"good 2\", \"rejected\": \"bad 2\"}");
        Assert.True(PreferenceDataset.IsPreferenceFile(path));
        var e = Assert.Throws<DatasetFormatException>(() => PreferenceDataset.LoadTask("p", path));
        Assert.Equal(1, e.Line);
        Assert.Equal("rejected", e.Field);
    }
}
