using System.Globalization;
using System.Net;
using System.Text;
using WeakToStrong.Metrics;
using WeakToStrong.Results;

namespace WeakToStrong.Reports;

/// <summary>
/// The report of a results store: per task the paper's main figure (test accuracy against the strong model, ceiling line,
/// one line per weak supervisor, one line style per loss, seed range shaded), PGR against the strong model, the members
/// of weak ensembles, the imitation analysis, the bootstrapping chains, and a cross-task summary. Written as PNG files,
/// summary.md (which links them) and report.html (which embeds them, so it is one self-contained file).
/// </summary>
public static class SweepReport
{
    public static IReadOnlyList<string> Write(IReadOnlyList<ResultRow> rows, IReadOnlyList<GroundTruthRow> groundTruth, string folder)
    {
        if (rows.Count == 0)
            throw new UserInputException("results store", "has no finished experiments yet",
                "Run the sweep until at least one experiment has all its stages (`w2s status` shows them).");
        Directory.CreateDirectory(folder);
        var blocks = Blocks(rows, groundTruth);
        var md = new StringBuilder("# Weak-to-strong sweep report\n\n");
        var html = new StringBuilder();
        var images = new List<string>();
        md.AppendLine(Intro).AppendLine();
        html.Append($"<p>{WebUtility.HtmlEncode(Intro)}</p>\n");

        foreach (var block in blocks)
        {
            md.AppendLine($"## {block.Title}\n");
            html.Append($"<h2>{WebUtility.HtmlEncode(block.Title)}</h2>\n");
            var first = block.Rows[0];
            string sizes = $"A {first.TrainA}, B {first.TrainB}, test {first.Test} (majority rate {Pct(first.TestMajorityRate)}); " +
                           $"seeds {string.Join(", ", block.Rows.Select(r => r.Seed).Distinct().Order())}; PGR undefined below a {block.MinGap * 100:F0}-point gap.";
            md.AppendLine(sizes + "\n");
            html.Append($"<p>{WebUtility.HtmlEncode(sizes)}</p>\n");

            foreach (var (file, caption) in Figures(block, folder))
            {
                images.Add(file);
                md.AppendLine($"![{caption}]({Path.GetFileName(file)})\n\n*{caption}*\n");
                html.Append($"<figure><img alt=\"{WebUtility.HtmlEncode(caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(file))}\"/>" +
                            $"<figcaption>{WebUtility.HtmlEncode(caption)}</figcaption></figure>\n");
            }
            foreach (var table in Tables(block))
            {
                md.Append(table.Markdown());
                html.Append(table.Html());
            }
        }

        md.AppendLine("## Across tasks\n");
        html.Append("<h2>Across tasks</h2>\n");
        var cross = CrossTask(blocks);
        md.Append(cross.Markdown());
        html.Append(cross.Html());
        if (blocks.SelectMany(b => b.Methods).Distinct().Count() > 1)
        {
            var paired = MethodComparisonReport.Table(blocks);
            md.Append(paired.Markdown());
            html.Append(paired.Html());
        }

        var mdFile = Path.Combine(folder, "summary.md");
        var htmlFile = Path.Combine(folder, "report.html");
        AtomicFile.WriteAllText(mdFile, md.ToString());
        AtomicFile.WriteAllText(htmlFile, Page(html.ToString()));
        return [htmlFile, mdFile, .. images];
    }

    private const string Intro =
        "Accuracies are on the test set (ground truth). Bands and [low–high] ranges span the seeds (min to max); " +
        "PGR = (student − weak) / (ceiling − weak), computed from the seed-mean accuracies of a pair unless said otherwise; " +
        "the median over pairs is the paper's aggregate, and its interval is the bootstrap 95% interval of the per-seed medians.";

    /// <summary>One block per task, or per task and settings when a folder holds sweeps with different settings.</summary>
    private static List<SweepSummary> Blocks(IReadOnlyList<ResultRow> rows, IReadOnlyList<GroundTruthRow> groundTruth) =>
        rows.GroupBy(r => r.Task).SelectMany(task =>
        {
            var settings = task.GroupBy(r => r.Settings).ToList();
            // Ground-truth stages carry no settings: use them only when the task has one.
            var gt = settings.Count == 1 ? groundTruth.Where(g => g.Task == task.Key).ToList() : [];
            return settings.Select(s => new SweepSummary(settings.Count == 1 ? task.Key : $"{task.Key} (settings {s.Key})", s.ToList(), gt));
        }).ToList();

    private static IEnumerable<(string File, string Caption)> Figures(SweepSummary block, string folder)
    {
        var models = block.Models;
        string slug = Slug(block.Title);
        double X(string model) => models.ToList().IndexOf(model);
        var variants = block.Rows.Select(r => r.Variant).Distinct().OrderBy(v => v == "plain" ? 0 : v == "genft" ? 1 : 2).ToList();
        var weakModels = block.Rows.Select(r => r.Weak).Distinct().OrderBy(SweepSummary.Ladder).ToList();
        // Always guessing the majority class: 0.5 on balanced binary tasks, 1/K on balanced K-class ones.
        double chance = block.Rows[0].TestMajorityRate is > 0 and var rate ? rate : 0.5;

        foreach (var variant in variants)
        {
            var losses = block.Rows.Where(r => r.Variant == variant).Select(r => r.Loss).Distinct()
                .OrderBy(SweepSummary.LossOrder).ThenBy(l => l, StringComparer.Ordinal).ToList();
            var series = new List<FigureSeries>();
            foreach (bool generative in variant == "genft" ? new[] { false, true } : [false])
            {
                var ceiling = models.Select(m => (m, c: block.Ceiling(m, generative))).Where(x => x.c is not null).ToList();
                if (ceiling.Count > 0)
                    series.Add(new FigureSeries(generative ? "ceiling + genft (strong on ground truth)" : "ceiling (strong on ground truth)", -1, generative ? 1 : 0,
                        ceiling.Select(x => X(x.m)).ToArray(), ceiling.Select(x => x.c!.Mean).ToArray(), ceiling.Select(x => x.c!.Low).ToArray(),
                        ceiling.Select(x => x.c!.High).ToArray(), Bold: true));
            }
            foreach (var (loss, li) in losses.Select((l, i) => (l, i)))
            foreach (var (weak, wi) in weakModels.Select((w, i) => (w, i)))
            {
                var pairs = block.Pairs.Where(p => p.Method == Sweeps.SweepCell.MethodName(loss, variant) && p.Weak == weak).OrderBy(p => X(p.Strong)).ToList();
                if (pairs.Count == 0) continue;
                var w = pairs[0].WeakAccuracy;
                series.Add(new FigureSeries($"weak {weak} → students, {loss}", wi, li,
                    [X(weak), .. pairs.Select(p => X(p.Strong))], [w.Mean, .. pairs.Select(p => p.StudentAccuracy.Mean)],
                    [w.Low, .. pairs.Select(p => p.StudentAccuracy.Low)], [w.High, .. pairs.Select(p => p.StudentAccuracy.High)]));
            }
            string what = variant switch
            {
                "plain" => "",
                "genft" => " with generative finetuning",
                "bootstrap" => " with bootstrapping",
                _ => $" ({variant})",
            };
            var file = Path.Combine(folder, $"{slug}-accuracy{(variant == "plain" ? "" : "-" + variant)}.png");
            LineFigure.Save(file, $"{block.Title}: test accuracy{what}", "strong model (ladder order; each line starts at its weak supervisor)",
                "test accuracy", models, series, LineFigure.Limits(series, 0, 1, chance), chance, $"chance ({chance:0.##}, the test majority rate)");
            yield return (file, $"{block.Title}: test accuracy of students trained on weak labels{what}, against the strong model; " +
                                "black: the strong model trained on ground truth (ceiling); colour: weak supervisor; line style: loss; bands: seed range.");
        }

        // PGR against the strong model, all methods.
        var methods = block.Methods;
        var pgrSeries = new List<FigureSeries>();
        foreach (var (method, mi) in methods.Select((m, i) => (m, i)))
        foreach (var (weak, wi) in weakModels.Select((w, i) => (w, i)))
        {
            var pairs = block.Pairs.Where(p => p.Method == method && p.Weak == weak && p.PgrOfMeans.Value is not null).OrderBy(p => X(p.Strong)).ToList();
            if (pairs.Count == 0) continue;
            pgrSeries.Add(new FigureSeries($"weak {weak}, {method}", wi, mi, pairs.Select(p => X(p.Strong)).ToArray(),
                pairs.Select(p => p.PgrOfMeans.Value!.Value).ToArray(), pairs.Select(p => p.PgrPerSeed?.Low ?? p.PgrOfMeans.Value!.Value).ToArray(),
                pairs.Select(p => p.PgrPerSeed?.High ?? p.PgrOfMeans.Value!.Value).ToArray()));
        }
        if (pgrSeries.Count > 0)
        {
            var file = Path.Combine(folder, $"{slug}-pgr.png");
            LineFigure.Save(file, $"{block.Title}: performance gap recovered", "strong model (ladder order)", "PGR", models, pgrSeries,
                LineFigure.Limits(pgrSeries, -1.5, 2.5, 0), 0, "PGR 0 (no better than the supervisor)");
            yield return (file, $"{block.Title}: PGR of the seed-mean accuracies per pair (pairs with a gap below {block.MinGap * 100:F0} points left out); " +
                                "colour: weak supervisor; line style: method; bands: range of the per-seed PGRs.");
        }

        // Imitation: how often the student copies the supervisor's mistakes.
        var imitation = new List<FigureSeries>();
        foreach (var (method, mi) in methods.Select((m, i) => (m, i)))
        foreach (var (weak, wi) in weakModels.Select((w, i) => (w, i)))
        {
            var pairs = block.Pairs.Where(p => p.Method == method && p.Weak == weak && p.AgreementWhereWeakWrong is not null).OrderBy(p => X(p.Strong)).ToList();
            if (pairs.Count == 0) continue;
            imitation.Add(new FigureSeries($"weak {weak}, {method}", wi, mi, pairs.Select(p => X(p.Strong)).ToArray(),
                pairs.Select(p => p.AgreementWhereWeakWrong!.Mean).ToArray(), pairs.Select(p => p.AgreementWhereWeakWrong!.Low).ToArray(),
                pairs.Select(p => p.AgreementWhereWeakWrong!.High).ToArray()));
        }
        if (imitation.Count > 0)
        {
            var file = Path.Combine(folder, $"{slug}-imitation.png");
            LineFigure.Save(file, $"{block.Title}: imitation of the supervisor's errors", "strong model (ladder order)",
                "agreement where the weak model is wrong", models, imitation, (0, 1));
            yield return (file, $"{block.Title}: share of test examples the weak supervisor gets wrong on which the student gives the same (wrong) answer; " +
                                "lower means the student generalises past its supervisor's mistakes.");
        }
        foreach (var figure in DiagnosticsReport.Figures(block, folder, slug)) yield return figure;
    }

    private static IEnumerable<ReportTable> Tables(SweepSummary block)
    {
        yield return new ReportTable($"{block.Title}: PGR per method (median over weak→strong pairs)",
            ["method", "median PGR (seed means)", "pairs with defined PGR", "per-seed median: mean", "95% interval over seeds", "mean student acc", "mean gap"],
            block.Methods.Select(m =>
            {
                var (median, defined, pairs, overSeeds) = block.MedianPgr(m);
                var ps = block.Pairs.Where(p => p.Method == m).ToList();
                return (IReadOnlyList<string>)[m, median is double v ? F2(v) : "n/a", $"{defined}/{pairs}", overSeeds is null ? "n/a" : F2(overSeeds.Mean),
                    overSeeds is null || overSeeds.Count < 2 ? "n/a (PGR defined in < 2 seeds)" : $"[{F2(overSeeds.CiLow)}, {F2(overSeeds.CiHigh)}]",
                    Pct(ps.Average(p => p.StudentAccuracy.Mean)), $"{ps.Average(p => p.PgrOfMeans.Gap) * 100:F1} pts"];
            }).ToList());

        // The PGR of AUROC column only where some pair has one (an AUROC gap above the threshold).
        bool auroc = block.Pairs.Any(p => p.AurocPgrPerSeed is not null);
        IReadOnlyList<string> header = ["method", "weak", "strong", "weak acc", "student acc", "ceiling acc", "gap", "PGR of the means",
            "PGR over seeds: mean ± SE [95% interval]"];
        yield return new ReportTable($"{block.Title}: every pair (mean over seeds [seed range])",
            auroc ? [.. header, "PGR of AUROC over seeds"] : header,
            block.Pairs.Select(p =>
            {
                IReadOnlyList<string> row = [p.Method, p.Weak, p.Strong, Range(p.WeakAccuracy), Range(p.StudentAccuracy), Range(p.CeilingAccuracy),
                    $"{p.PgrOfMeans.Gap * 100:F1} pts", p.PgrOfMeans.Value is double v ? F2(v) : "undefined (small gap)",
                    OverSeeds(p.Rows.Select(r => r.Pgr))];
                return auroc ? [.. row, OverSeeds(p.Rows.Select(r => r.AurocPgr))] : row;
            }).ToList());

        if (EnsembleMembersReport.Table(block) is { } members) yield return members;

        yield return new ReportTable($"{block.Title}: imitation analysis (student-supervisor agreement on test, mean over pairs and seeds)",
            ["method", "agreement", "where weak right", "where weak wrong", "student acc"],
            block.Methods.Select(m =>
            {
                var rows = block.Rows.Where(r => r.Method == m).ToList();
                var wrong = rows.Where(r => r.AgreementWhereWeakWrong is not null).Select(r => r.AgreementWhereWeakWrong!.Value).ToList();
                return (IReadOnlyList<string>)[m, Pct(rows.Average(r => r.Agreement)), Pct(rows.Average(r => r.AgreementWhereWeakRight)),
                    wrong.Count > 0 ? Pct(wrong.Average()) : "-", Pct(rows.Average(r => r.StudentAccuracy))];
            }).ToList());

        yield return DiagnosticsReport.Table(block);

        var chains = block.Pairs.Where(p => p.Rows[0].Variant == "bootstrap").ToList();
        if (chains.Count > 0)
            yield return new ReportTable($"{block.Title}: bootstrapping chains (test accuracy of each link, mean over seeds)",
                ["loss", "chain", "links", "bootstrapped student", "direct student (same loss)", "ceiling", "PGR bootstrapped", "PGR direct"],
                chains.Select(p =>
                {
                    var direct = block.Pairs.FirstOrDefault(d => d.Method == p.Rows[0].Loss && d.Weak == p.Weak && d.Strong == p.Strong);
                    var links = p.Rows.SelectMany(r => r.LinkAccuracies.Split(';', StringSplitOptions.RemoveEmptyEntries).Select((l, i) => (i, l.Split(':'))))
                        .GroupBy(x => (x.i, x.Item2[0])).OrderBy(g => g.Key.i)
                        .Select(g => $"{g.Key.Item2} {Pct(g.Average(x => double.Parse(x.Item2[1], CultureInfo.InvariantCulture)))}");
                    return (IReadOnlyList<string>)[p.Rows[0].Loss, $"{p.Weak} → {p.Rows[0].Chain.Replace(",", " → ")} → {p.Strong}", string.Join(", ", links),
                        Pct(p.StudentAccuracy.Mean), direct is null ? "-" : Pct(direct.StudentAccuracy.Mean), Pct(p.CeilingAccuracy.Mean),
                        p.PgrOfMeans.Value is double v ? F2(v) : "n/a", direct?.PgrOfMeans.Value is double d ? F2(d) : "n/a"];
                }).ToList());
    }

    private static ReportTable CrossTask(IReadOnlyList<SweepSummary> blocks)
    {
        var methods = blocks.SelectMany(b => b.Methods).Distinct().ToList();
        return new ReportTable("Median PGR over pairs per task (pairs with a defined PGR / all), and the median over tasks",
            ["method", .. blocks.Select(b => b.Title), "median over tasks"],
            methods.Select(m =>
            {
                var medians = blocks.Select(b => b.Methods.Contains(m) ? b.MedianPgr(m) : default).ToList();
                var defined = medians.Where(x => x.Median is not null).Select(x => x.Median!.Value).ToList();
                return (IReadOnlyList<string>)[m, .. medians.Select(x => x.Pairs == 0 ? "-" : x.Median is double v ? $"{F2(v)} ({x.Defined}/{x.Pairs})" : $"n/a (0/{x.Pairs})"),
                    defined.Count > 0 ? F2(Metrics.SeedSummary.Median(defined)) : "n/a"];
            }).ToList());
    }

    private static string Page(string body) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Weak-to-strong sweep report</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 1150px; margin: 2em auto; padding: 0 1em; color: #222; }
        table { border-collapse: collapse; margin: 1em 0 2em; font-size: 14px; }
        caption { text-align: left; font-weight: 600; padding-bottom: .4em; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        figure { margin: 1em 0 2em; } img { max-width: 100%; } figcaption { font-size: 14px; color: #555; }
        </style></head><body>
        <h1>Weak-to-strong sweep report</h1>
        {{body}}
        </body></html>
        """;

    private static string Range(SeedRange r) => r.Seeds > 1 ? $"{Pct(r.Mean)} [{Pct(r.Low)}–{Pct(r.High)}]" : Pct(r.Mean);
    private static string Pct(double v) => (v * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";
    /// <summary>Seeds where the value is defined: mean ± standard error and the bootstrap 95% interval of the mean
    /// (with 3 seeds that interval is the lowest to the highest seed).</summary>
    private static string OverSeeds(IEnumerable<double?> values)
    {
        var defined = values.OfType<double>().Where(double.IsFinite).ToList();
        var s = SeedSummary.Of(defined);
        return s is null ? "-" : s.Count > 1 ? $"{F2(s.Mean)} ± {F2(s.StandardError)} [{F2(s.CiLow)}, {F2(s.CiHigh)}] ({s.Count} seeds)" : F2(s.Mean);
    }


    private static string F2(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
    private static string Slug(string s) => string.Concat(s.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Trim('-');
}
