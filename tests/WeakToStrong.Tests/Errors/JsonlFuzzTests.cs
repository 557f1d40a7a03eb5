using System.Text;
using WeakToStrong.Data;
using Xunit.Abstractions;

namespace WeakToStrong.Tests.Errors;

/// <summary>
/// Random truncations, byte flips, insertions and deletions of valid JSONL files: the readers never crash; each file
/// either loads or fails with a <see cref="DatasetFormatException"/> naming the file and, when a line is at fault, a
/// line that exists.
/// </summary>
public sealed class JsonlFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("w2s-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Labelled()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 60; i++)
        {
            string pair = i % 3 == 0 ? $", \"text_pair\": \"a second text {i} é ü\"" : "";
            string label = i % 2 == 0 ? "0" : "1";
            text.Append($"{{\"text\": \"a line of text number {i} with \\\"quotes\\\" and ünïcödé\"{pair}, \"label\": {label}}}\n");
            if (i % 17 == 5) text.Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Preferences()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 40; i++)
            text.Append($"{{\"prompt\": \"question {i}\", \"chosen\": \"a good answer {i}\", \"rejected\": \"a poor answer {i}\"}}\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Mutate(byte[] original, Random rng)
    {
        var bytes = new List<byte>(original);
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = rng.Next(bytes.Count);
            switch (rng.Next(6))
            {
                case 5: bytes.InsertRange(at, Encoding.ASCII.GetBytes(rng.Next(2) == 0 ? "\\ud800" : "\\u0000")); break; // escapes
                case 0: bytes.RemoveRange(at, bytes.Count - at); break; // truncation
                case 1: bytes[at] ^= (byte)(1 << rng.Next(8)); break; // bit flip
                case 2: bytes[at] = (byte)rng.Next(256); break; // byte replaced
                case 3: bytes.Insert(at, (byte)rng.Next(256)); break;
                default: bytes.RemoveAt(at); break;
            }
        }
        return bytes.ToArray();
    }

    private void Fuzz(string name, byte[] valid, Func<string, TaskData> load, int rounds, int seed)
    {
        var rng = new Random(seed);
        int loaded = 0, named = 0, fileLevel = 0;
        for (int round = 0; round < rounds; round++)
        {
            var bytes = Mutate(valid, rng);
            var path = Path.Combine(_dir, $"{name}-{round}.jsonl");
            File.WriteAllBytes(path, bytes);
            int lines = bytes.Count(b => b == (byte)'\n') + 1;
            try
            {
                var task = load(path);
                Assert.True(task.Train.Count > 0);
                loaded++;
            }
            catch (DatasetFormatException e)
            {
                Assert.Equal(path, e.File);
                Assert.StartsWith(path, e.Message);
                if (e.Line is int line)
                {
                    Assert.InRange(line, 1, lines);
                    Assert.StartsWith($"{path}:{line}: ", e.Message);
                    named++;
                }
                else fileLevel++;
            }
            catch (Exception e)
            {
                Assert.Fail($"round {round}: {e.GetType().Name} reading {path} (kept for reproduction): {e}");
            }
            File.Delete(path);
        }
        output.WriteLine($"{name}: {rounds} mutated files: {loaded} loaded, {named} errors naming a line, {fileLevel} errors about the whole file");
        Assert.True(loaded > 0 && named > 0, "the mutations should both keep some files loadable and break some lines");
    }

    [Fact]
    public void MutatedLabelledFilesLoadOrNameALine() =>
        Fuzz("labelled", Labelled(), WeakToStrong.Cli.SweepCommand.LoadTask, rounds: 400, seed: 20231214); // as --tasks FILE.jsonl reads it

    [Fact]
    public void MutatedPreferenceFilesLoadOrNameALine() =>
        Fuzz("preferences", Preferences(), WeakToStrong.Cli.SweepCommand.LoadTask, rounds: 200, seed: 7);
}
