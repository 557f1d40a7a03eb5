using System.Net;
using System.Text;

namespace WeakToStrong.Reports;

/// <summary>A small table that renders to Markdown and to HTML, so both report files show the same numbers.</summary>
internal sealed record ReportTable(string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public string Markdown()
    {
        static string Cell(string s) => s.Replace("|", "\\|");
        var text = new StringBuilder();
        if (Caption.Length > 0) text.AppendLine($"*{Caption}*").AppendLine();
        text.AppendLine("| " + string.Join(" | ", Header.Select(Cell)) + " |");
        text.AppendLine("|" + string.Concat(Header.Select(_ => " --- |")));
        foreach (var row in Rows) text.AppendLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
        return text.AppendLine().ToString();
    }

    public string Html()
    {
        var text = new StringBuilder("<table>");
        if (Caption.Length > 0) text.Append($"<caption>{WebUtility.HtmlEncode(Caption)}</caption>");
        text.Append("<tr>").Append(string.Concat(Header.Select(h => $"<th>{WebUtility.HtmlEncode(h)}</th>"))).Append("</tr>");
        foreach (var row in Rows) text.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{WebUtility.HtmlEncode(c)}</td>"))).Append("</tr>");
        return text.Append("</table>\n").ToString();
    }
}
