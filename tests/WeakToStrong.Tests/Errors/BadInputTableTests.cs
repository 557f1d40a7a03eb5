using Xunit.Abstractions;

namespace WeakToStrong.Tests.Errors;

/// <summary>A folder of good and broken inputs, written once for the whole table.</summary>
public sealed class BadInputFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("w2s-bad-inputs-").FullName;

    public BadInputFolder()
    {
        Lines("good.jsonl", Enumerable.Range(0, 200).Select(Good));
        TinyCheckpoint.WriteBert(Path("hf-good"));
    }

    /// <summary>Line i of a clean two-class file (labels alternate 0, 1).</summary>
    public static string Good(int i) =>
        $"{{\"text\": \"the soup was {(i % 2 == 1 ? "lovely" : "bland")} on day {i}\", \"label\": {i % 2}}}";

    public string Path(string name) => System.IO.Path.Combine(Root, name);

    public string Lines(string name, IEnumerable<string> lines)
    {
        var path = Path(name);
        if (!File.Exists(path)) File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    public string Text(string name, string text)
    {
        var path = Path(name);
        if (!File.Exists(path)) File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A copy of the good Hugging Face folder, damaged by <paramref name="damage"/> (once).</summary>
    public string Checkpoint(string name, Action<string> damage)
    {
        var folder = Path(name);
        if (Directory.Exists(folder)) return folder;
        TinyCheckpoint.Copy(Path("hf-good"), folder);
        damage(folder);
        return folder;
    }

    /// <summary>The good lines with <paramref name="inserted"/> placed before line <paramref name="at"/> (1-based).</summary>
    public string WithLine(string name, int at, string inserted) =>
        Lines(name, Enumerable.Range(0, 200).Select(Good).Take(at - 1).Append(inserted).Concat(Enumerable.Range(0, 200).Select(Good).Skip(at - 1)));

    private Dictionary<string, (BadInputTableTests.Invocation Invocation, Task<(int Exit, string Out, string Err)> Result)>? results;

    /// <summary>
    /// Every case's process, started together (a few at a time) the first time one is asked for: each `w2s` spends most of
    /// its short life starting up, so running them side by side keeps the table fast. Inputs are written first, one by one.
    /// </summary>
    public (BadInputTableTests.Invocation Invocation, Task<(int Exit, string Out, string Err)> Result) Case(
        string name, IReadOnlyDictionary<string, Func<BadInputFolder, BadInputTableTests.Invocation>> cases)
    {
        lock (this)
        {
            if (results is null)
            {
                var invocations = cases.ToDictionary(c => c.Key, c => c.Value(this));
                var slots = new SemaphoreSlim(4);
                results = invocations.ToDictionary(c => c.Key, c => (c.Value, Task.Run(async () =>
                {
                    await slots.WaitAsync();
                    try { return W2sProcess.RunWithin(TimeSpan.FromSeconds(180), c.Value.Environment, c.Value.Args); }
                    finally { slots.Release(); }
                })));
            }
            return results[name];
        }
    }

    public void Dispose()
    {
        if (results is not null)
            foreach (var (_, result) in results.Values) result.ContinueWith(_ => { }).Wait(); // no process may outlive the folder
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>
/// Bad inputs as a new user would give them, each through the real `w2s` process: every one must end with exit code 2 and
/// one line `w2s: error: &lt;subject&gt;: ...` whose subject is the file (with line), the option or the folder at fault, and
/// never with a stack trace. The cases fail before any training.
/// </summary>
public sealed class BadInputTableTests(BadInputFolder folder, ITestOutputHelper output) : IClassFixture<BadInputFolder>
{
    /// <summary>What to run, the subject the error line must start with, and other text it must name (line, field, file).</summary>
    public sealed record Invocation(string[] Args, string Subject, string[] AlsoNamed, IReadOnlyDictionary<string, string>? Environment = null);

    /// <summary>The case's own arguments, plus defaults for the options it does not give (an option given twice is an error of its own).</summary>
    private static string[] WithDefaults(string[] args, params string[] defaults) =>
        [.. args, .. defaults.Chunk(2).Where(d => !args.Any(a => a == d[0] || a.StartsWith(d[0] + "=", StringComparison.Ordinal))).SelectMany(d => d)];

    private static Invocation Run(BadInputFolder f, string subject, string[] also, params string[] args) =>
        new(["run", .. WithDefaults(args, "--out", f.Path("out"))], subject, also);

    private static Invocation RunData(BadInputFolder f, string data, string subject, string[] also, params string[] args) =>
        Run(f, subject, also, ["--data", data, .. args]);

    private static Invocation Sweep(BadInputFolder f, string subject, string[] also, params string[] args) =>
        new(["sweep", "--dry-run", .. WithDefaults(args, "--models", "bow,minilm-l1", "--losses", "xent", "--seeds", "1", "--out", f.Path("sweep-out"))], subject, also);

    private static Invocation Strong(BadInputFolder f, string checkpoint, string file) =>
        new(["run", "--data", f.Path("good.jsonl"), "--weak", "bow", "--strong", "hf:" + checkpoint, "--threads", "1", "--out", f.Path("out")],
            "--strong", [System.IO.Path.Combine(checkpoint, file)]);

    private static readonly Dictionary<string, Func<BadInputFolder, Invocation>> Cases = new()
    {
        // Options, checked before anything is loaded.
        ["threads 0"] = f => Run(f, "--threads", [], "--threads", "0"),
        ["threads negative"] = f => Run(f, "--threads", [], "--threads", "-3"),
        ["threads not a number"] = f => Run(f, "--threads", ["abc"], "--threads", "abc"),
        ["weak-lr negative"] = f => Run(f, "--weak-lr", [], "--weak-lr", "-1"),
        ["weak-lr NaN"] = f => Run(f, "--weak-lr", ["NaN"], "--weak-lr", "NaN"),
        ["weak-lr huge"] = f => Run(f, "--weak-lr", ["1E+30"], "--weak-lr", "1e30"),
        ["strong-lr infinite"] = f => Run(f, "--strong-lr", ["Infinity"], "--strong-lr", "Infinity"),
        ["strong-lr zero"] = f => Run(f, "--strong-lr", [], "--strong-lr", "0"),
        ["max-train negative"] = f => Run(f, "--max-train", [], "--max-train", "-5"),
        ["max-test zero"] = f => Run(f, "--max-test", [], "--max-test", "0"),
        ["min-gap above 1"] = f => Run(f, "--min-gap", [], "--min-gap", "1.5"),
        ["min-gap negative"] = f => Run(f, "--min-gap", [], "--min-gap=-0.1"),
        ["epochs 0"] = f => Run(f, "--epochs", [], "--epochs", "0"),
        ["micro-batch not dividing 32"] = f => Run(f, "--micro-batch", [], "--micro-batch", "5"),
        ["seeds 0"] = f => Run(f, "--seeds", [], "--seeds", "0"),
        ["seed negative"] = f => Run(f, "--seed", [], "--seed", "-1"),
        ["out is a file"] = f => Run(f, "--out", [f.Path("good.jsonl")], "--out", f.Path("good.jsonl")),
        ["out inside a file"] = f => Run(f, "--out", [f.Path("good.jsonl")], "--out", f.Path("good.jsonl/runs")),
        ["out not writable"] = f => Run(f, "--out", ["/proc/w2s-out"], "--out", "/proc/w2s-out"),
        ["unknown option"] = f => Run(f, "w2s run", ["--frobnicate"], "--frobnicate"),
        ["unknown command"] = f => new(["frobnicate"], "w2s", ["frobnicate"]),
        ["select unknown"] = f => Run(f, "--select", ["best"], "--select", "best"),
        ["weak ensemble empty member"] = f => Run(f, "--weak", ["bow,"], "--weak", "bow,"),
        ["weak ensemble member twice"] = f => Run(f, "--weak", ["twice"], "--weak", "bow,bow"),
        ["weak ensemble unknown member"] = f => Run(f, "--weak", ["nope"], "--weak", "bow+nope"),
        ["weak bag of one"] = f => Run(f, "--weak", ["bag1:bow"], "--weak", "bag1:bow"),
        ["weak bag count not a number"] = f => Run(f, "--weak", ["bagx:bow"], "--weak", "bagx:bow"),
        ["gold negative"] = f => Run(f, "--gold", [], "--gold", "-1"),
        ["gold-use without gold"] = f => Run(f, "--gold-use", [], "--gold-use", "platt"),
        ["gold-use unknown"] = f => Run(f, "--gold-use", ["foo"], "--gold", "8", "--gold-use", "foo"),
        ["gold-use select with --select"] = f => Run(f, "--gold-use", ["--select"], "--gold", "8", "--gold-use", "select", "--select", "weak"),
        ["gold with bootstrap"] = f => Run(f, "--gold", ["--bootstrap"], "--gold", "8", "--bootstrap", "minilm-l1"),
        ["s2s negative"] = f => Run(f, "--s2s", [], "--s2s", "-1"),
        ["probe unknown"] = f => Run(f, "--probe", ["foo"], "--probe", "foo"),
        ["probe with a bag-of-words student"] = f => Run(f, "--probe", ["bow"], "--probe", "relabel", "--strong", "bow"),
        ["probe with gold"] = f => Run(f, "--probe", ["--gold"], "--probe", "filter", "--gold", "8"),
        ["filter-confident reversed"] = f => Run(f, "--filter-confident", ["0.9,0.1"], "--filter-confident", "0.9,0.1"),
        ["unknown weak model"] = f => Run(f, "--weak", ["gpt-5"], "--weak", "gpt-5"),
        ["unknown loss"] = f => Run(f, "--loss", ["magic"], "--loss", "magic"),
        ["unknown bootstrap model"] = f => Run(f, "--bootstrap", ["nonsense"], "--bootstrap", "nonsense"),
        ["genft without a transformer"] = f => Run(f, "--genft", ["bow"], "--strong", "bow", "--genft"),
        ["genft-include-test without genft"] = f => Run(f, "--genft-include-test", [], "--genft-include-test"),
        ["test without data"] = f => Run(f, "--test", [], "--test", f.Path("good.jsonl")),
        ["validation with your own data"] = f => RunData(f, f.Path("good.jsonl"), "--validation", ["--data"], "--validation"),
        ["task and data together"] = f => RunData(f, f.Path("good.jsonl"), "--task", [], "--task", "wordnet-gloss"),
        ["task is an absolute folder"] = f => Run(f, "--task", ["/etc"], "--task", "/etc"),
        ["task climbs out of the data folder"] = f => Run(f, "--task", ["../outside"], "--task", "../outside"),
        ["task unknown"] = f => Run(f, "--task", ["no-such-task"], "--task", "no-such-task"),

        // Data files: the file, and the line and field where there is one.
        ["data is a folder"] = f => RunData(f, f.Root, "--data", [f.Root, "folder"]),
        ["data missing"] = f => RunData(f, f.Path("missing.jsonl"), "--data", [f.Path("missing.jsonl"), "not found"]),
        ["data unreadable"] = f => RunData(f, "/proc/self/mem", "/proc/self/mem", ["could not be read"]), // reading it at offset 0 fails (EIO)
        ["data empty"] = f => RunData(f, f.Text("empty.jsonl", ""), f.Path("empty.jsonl"), ["empty"]),
        ["data invalid JSON"] = f => RunData(f, f.WithLine("broken.jsonl", 3, "{\"text\": \"cut"), f.Path("broken.jsonl") + ":3", ["JSON"]),
        ["data is CSV"] = f => RunData(f, f.Text("table.jsonl", "text,label\nhello,1\n"), f.Path("table.jsonl") + ":1", ["JSON"]),
        ["label fractional"] = f => RunData(f, f.WithLine("fraction.jsonl", 2, "{\"text\": \"half\", \"label\": 1.5}"), f.Path("fraction.jsonl") + ":2", ["field 'label'"]),
        ["label negative"] = f => RunData(f, f.WithLine("negative.jsonl", 7, "{\"text\": \"minus\", \"label\": -1}"), f.Path("negative.jsonl") + ":7", ["field 'label'"]),
        ["stray label 2 in a 0/1 file"] = f => RunData(f, f.WithLine("stray2.jsonl", 58, "{\"text\": \"odd one\", \"label\": 2}"), f.Path("stray2.jsonl") + ":58", ["field 'label'", "label 2"]),
        ["stray label 9999"] = f => RunData(f, f.WithLine("stray9999.jsonl", 11, "{\"text\": \"odd one\", \"label\": 9999}"), f.Path("stray9999.jsonl") + ":11", ["field 'label'", "10000 classes"]),
        ["class name typo"] = f => RunData(f, f.Lines("typo.jsonl", Enumerable.Range(0, 120).Select(i =>
            $"{{\"text\": \"review {i}\", \"label\": \"{(i == 77 ? "postive" : i % 2 == 0 ? "positive" : "negative")}\"}}")), f.Path("typo.jsonl") + ":78", ["'postive'"]),
        ["text with a lone surrogate escape"] = f => RunData(f, f.WithLine("surrogate.jsonl", 5, "{\"text\": \"half \\ud800 a character\", \"label\": 0}"),
            f.Path("surrogate.jsonl") + ":5", ["field 'text'"]),
        ["label 1e400"] = f => RunData(f, f.WithLine("e400.jsonl", 9, "{\"text\": \"big\", \"label\": 1e400}"), f.Path("e400.jsonl") + ":9", ["field 'label'"]),
        ["mixed label kinds"] = f => RunData(f, f.WithLine("mixed.jsonl", 4, "{\"text\": \"maybe\", \"label\": \"yes\"}"), f.Path("mixed.jsonl") + ":4", ["field 'label'"]),
        ["one class only"] = f => RunData(f, f.Lines("oneclass.jsonl", Enumerable.Range(0, 50).Select(i => $"{{\"text\": \"t{i}\", \"label\": 0}}")), f.Path("oneclass.jsonl"), ["field 'label'"]),
        ["text field missing"] = f => RunData(f, f.WithLine("notext.jsonl", 1, "{\"body\": \"no text\", \"label\": 1}"), f.Path("notext.jsonl") + ":1", ["field 'text'"]),
        ["label field misnamed"] = f => RunData(f, f.Path("good.jsonl"), f.Path("good.jsonl") + ":1", ["field 'lbl'"], "--label-field", "lbl"),
        ["test labels of another kind"] = f => RunData(f, f.Lines("named.jsonl", Enumerable.Range(0, 100).Select(i => $"{{\"text\": \"n{i}\", \"label\": \"{(i % 2 == 0 ? "neg" : "pos")}\"}}")),
            f.Path("good.jsonl") + ":1", ["field 'label'", f.Path("named.jsonl")], "--test", f.Path("good.jsonl")),
        ["preference line without rejected"] = f => RunData(f, f.Text("pref.jsonl", "{\"prompt\": \"p\", \"chosen\": \"a\"}\n{\"prompt\": \"q\", \"chosen\": \"b\", \"rejected\": \"c\"}\n"),
            f.Path("pref.jsonl") + ":1", ["field 'rejected'"]),
        ["train file all in test"] = f => RunData(f, f.Path("good.jsonl"), f.Path("good.jsonl"), ["test file"], "--test", f.Path("good.jsonl")),
        ["four-line file"] = f => RunData(f, f.Lines("four.jsonl", Enumerable.Range(0, 4).Select(BadInputFolder.Good)), f.Path("four.jsonl"), ["test example"]),
        ["max-test 1"] = f => RunData(f, f.Path("good.jsonl"), "--max-test", ["1 test example"], "--max-test", "1"),
        ["max-train 4"] = f => RunData(f, f.Path("good.jsonl"), "--max-train", [], "--max-train", "4"),
        ["filter drops every label"] = f => RunData(f, f.Path("good.jsonl"), "--filter-confident", [], "--filter-confident", "0,1"),
        ["gold above half B"] = f => RunData(f, f.Path("good.jsonl"), "--gold", ["half B"], "--gold", "5000"),
        ["bootstrap slices too small"] = f => RunData(f, f.Path("good.jsonl"), "--bootstrap", [], "--bootstrap", "bow,bow,bow,bow,bow", "--max-train", "40"),

        // Hugging Face folders: found broken before any training.
        ["hf good folder, max-test 1"] = f => new(["run", "--data", f.Path("good.jsonl"), "--strong", "hf:" + f.Path("hf-good"), "--threads", "1",
            "--max-test", "1", "--out", f.Path("out")], "--max-test", []), // the good folder passes its check
        ["hf folder missing"] = f => new(["run", "--strong", "hf:" + f.Path("no-model"), "--out", f.Path("out")], "--strong", [f.Path("no-model")]),
        ["hf config truncated"] = f => Strong(f, f.Checkpoint("hf-cut-config", d => File.WriteAllText(Path.Combine(d, "config.json"), "{\"model_type\": \"bert\", \"hidden_")), "config.json"),
        ["hf config incomplete"] = f => Strong(f, f.Checkpoint("hf-no-hidden", d => TinyCheckpoint.EditConfig(d, "hidden_size", null)), "config.json"),
        ["hf config size not a number"] = f => Strong(f, f.Checkpoint("hf-text-size", d => TinyCheckpoint.EditConfig(d, "num_hidden_layers", "two")), "config.json"),
        ["hf unsupported model_type"] = f => Strong(f, f.Checkpoint("hf-llama", d => TinyCheckpoint.EditConfig(d, "model_type", "llama")), "config.json"),
        ["hf weights truncated"] = f => Strong(f, f.Checkpoint("hf-cut-weights", d =>
        {
            var file = Path.Combine(d, "model.safetensors");
            var bytes = File.ReadAllBytes(file);
            File.WriteAllBytes(file, bytes[..(bytes.Length * 2 / 3)]);
        }), "model.safetensors"),
        ["hf weights empty"] = f => Strong(f, f.Checkpoint("hf-empty-weights", d => File.WriteAllBytes(Path.Combine(d, "model.safetensors"), [])), "model.safetensors"),
        ["hf config sizes disagree with weights"] = f => Strong(f, f.Checkpoint("hf-wide", d => TinyCheckpoint.EditConfig(d, "hidden_size", 32)), "model.safetensors"),
        ["hf vocabulary missing"] = f => Strong(f, f.Checkpoint("hf-no-vocab", d => File.Delete(Path.Combine(d, "vocab.txt"))), "vocab.txt"),

        // Sweeps, their folders and stores.
        ["sweep out is a file"] = f => Sweep(f, "--out", [f.Path("good.jsonl")], "--out", f.Path("good.jsonl")),
        ["sweep one model"] = f => Sweep(f, "--models", [], "--models", "bow"),
        ["sweep model twice"] = f => Sweep(f, "--models", [], "--models", "bow,bow"),
        ["sweep unknown model"] = f => Sweep(f, "--models", ["gpt-5"], "--models", "bow,gpt-5"),
        ["sweep no loss"] = f => Sweep(f, "--losses", [], "--losses", ""),
        ["sweep task is a path"] = f => Sweep(f, "--tasks", ["../x"], "--tasks", "../x"),
        ["sweep task file missing"] = f => Sweep(f, "--tasks", [f.Path("gone.jsonl")], "--tasks", f.Path("gone.jsonl")),
        ["sweep task file with a stray label"] = f => Sweep(f, f.Path("stray2.jsonl") + ":58", ["field 'label'"], "--tasks", f.WithLine("stray2.jsonl", 58, "{\"text\": \"odd one\", \"label\": 2}")),
        ["sweep ensemble of one model"] = f => Sweep(f, "--ensembles", ["one model"], "--ensembles", "bow"),
        ["sweep ensemble unknown member"] = f => Sweep(f, "--ensembles", ["gpt-5"], "--ensembles", "bow+gpt-5"),
        ["sweep gold not a number"] = f => Sweep(f, "--gold", ["lots"], "--gold", "0,lots"),
        ["sweep gold above half B"] = f => Sweep(f, "--gold", ["half B"], "--tasks", f.Path("good.jsonl"), "--gold", "0,5000"),
        ["sweep gold-use without budgets"] = f => Sweep(f, "--gold-use", [], "--gold-use", "select"),
        ["sweep s2s too many rounds"] = f => Sweep(f, "--s2s", [], "--s2s", "50"),
        ["sweep probes unknown"] = f => Sweep(f, "--probes", ["knn"], "--probes", "relabel,knn"),
        ["sweep bootstrap negative"] = f => Sweep(f, "--bootstrap", [], "--bootstrap", "-1"),
        ["sweep first seed negative"] = f => Sweep(f, "--first-seed", [], "--first-seed", "-2"),
        ["sweep unknown executor"] = f => Sweep(f, "--executor", ["magic"], "--executor", "magic"),
        ["sweep cpus-per-task 0"] = f => Sweep(f, "--cpus-per-task", [], "--executor", "slurm", "--cpus-per-task", "0"),
        ["sweep max-test 1"] = f => Sweep(f, "--max-test", [], "--tasks", f.Path("good.jsonl"), "--max-test", "1"),
        ["status without a sweep"] = f => new(["status", f.Root], f.Path("sweep.json"), ["no sweep"]),
        ["status of a missing folder"] = f => new(["status", f.Path("nowhere")], f.Path("nowhere"), []),
        ["status with a truncated sweep.json"] = f =>
        {
            var results = f.Path("cut-sweep");
            Directory.CreateDirectory(results);
            File.WriteAllText(Path.Combine(results, "sweep.json"), "{\"Config\": {\"Tasks\": [\"wordnet-gl");
            return new(["status", results], Path.Combine(results, "sweep.json"), ["damaged"]);
        },
        ["report with a garbage store"] = f =>
        {
            var results = f.Path("garbage-store");
            Directory.CreateDirectory(results);
            File.WriteAllBytes(Path.Combine(results, "results.sqlite"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 % 251)).ToArray());
            return new(["report", results], Path.Combine(results, "results.sqlite"), ["SQLite"]);
        },
        ["report of a store without experiments"] = f =>
        {
            var results = f.Path("empty-store");
            Directory.CreateDirectory(results);
            File.WriteAllBytes(Path.Combine(results, "results.sqlite"), []);
            return new(["report", results], Path.Combine(results, "results.sqlite"), ["no finished experiment"]);
        },
        ["hf without a folder"] = f => new(["run", "--strong", "hf:", "--out", f.Path("out")], "--strong", ["hf:"]),
        ["report out is a file"] = f =>
        {
            var results = f.Path("store-for-out");
            Directory.CreateDirectory(results);
            File.WriteAllBytes(Path.Combine(results, "results.sqlite"), []);
            return new(["report", results, "--out", f.Path("good.jsonl")], "--out", [f.Path("good.jsonl")]);
        },

        // Built-in tasks and other commands.
        ["task.json truncated, run"] = f => new(["run", "--task", "broken", "--out", f.Path("out")], BrokenTask(f), ["JSON"],
            new Dictionary<string, string> { ["W2S_DATA_DIR"] = f.Path("data-dir") }),
        ["task.json truncated, tasks"] = f => new(["tasks"], BrokenTask(f), ["JSON"], new Dictionary<string, string> { ["W2S_DATA_DIR"] = f.Path("data-dir") }),
        ["data prepare unknown task"] = f => new(["data", "prepare", "no-such-task", "--data-dir", f.Path("prepared")], "<task>", ["no-such-task"]),
        ["chess pretrain unknown model"] = f => new(["chess", "pretrain", "--model", "chess-xxl"], "--model", ["chess-xxl"]),
    };

    /// <summary>A prepared task whose task.json was cut short.</summary>
    private static string BrokenTask(BadInputFolder f)
    {
        var task = f.Path("data-dir/broken");
        Directory.CreateDirectory(task);
        File.WriteAllText(Path.Combine(task, "task.json"), "{\"classes\": [\"no\", ");
        f.Lines("data-dir/broken/train.jsonl", Enumerable.Range(0, 40).Select(BadInputFolder.Good));
        return Path.Combine(task, "task.json");
    }

    public static TheoryData<string> Names => new(Cases.Keys);

    [Fact]
    public void TheTableHoldsAtLeastFortyCases() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(Names))]
    public void BadInputEndsWithANamedErrorAndExitCode2(string name)
    {
        var (c, result) = folder.Case(name, Cases);
        var (exit, stdout, err) = result.GetAwaiter().GetResult();
        var context = $"w2s {string.Join(' ', c.Args)}\nexit {exit}\nstderr:\n{err}";
        Assert.True(exit == 2, context);
        Assert.DoesNotContain("   at ", err); // no stack trace
        var errors = err.Split('\n').Where(l => l.StartsWith("w2s: error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count > 0, context);
        var line = errors.FirstOrDefault(l => l.StartsWith($"w2s: error: {c.Subject}:", StringComparison.Ordinal)
                                              && c.AlsoNamed.All(n => l.Contains(n, StringComparison.Ordinal)));
        Assert.True(line is not null, $"no error line starts with 'w2s: error: {c.Subject}:' and names {string.Join(", ", c.AlsoNamed)}\n{context}");
        output.WriteLine(line);
        if (name == "task.json truncated, tasks") Assert.Contains("wordnet-gloss", stdout); // the other tasks are still listed
    }
}
