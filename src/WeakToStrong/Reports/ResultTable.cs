using Spectre.Console;
using WeakToStrong.Protocol;

namespace WeakToStrong.Reports;

/// <summary>A single experiment's result as a readable console table.</summary>
internal static class ResultTable
{
    public static void Write(ExperimentResult r, IAnsiConsole console)
    {
        var c = r.Config;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(r.Data.Task)}[/]: {c.WeakModel} → {c.StrongModel}, student loss {c.Loss}, seed {c.Seed}")
            .AddColumns("role", "model", "trained on", "lr / C", "test accuracy", "AUROC", "ECE", "steps", "final loss", "train time");
        foreach (var m in new[] { r.Weak }.Concat(r.BootstrapLinks).Concat(r.StudentRounds ?? []).Concat([r.Student, r.Ceiling]))
            table.AddRow(m.Role, m.Model, Markup.Escape(m.TrainedOn), m.Solver is { } fit ? $"C {fit.C:G3}" : m.LearningRate > 0 ? $"{m.LearningRate:G3}" : "-",
                $"{m.TestAccuracy * 100:F1}% ± {m.TestStandardError * 100:F1}", m.TestAuroc is double a ? $"{a:F3}" : "-", $"{m.TestCalibrationError:F3}",
                m.Solver is not null ? $"{m.Steps} L-BFGS" : m.Epochs > 0 ? $"{m.Steps} ({m.Epochs} ep.)" : m.Steps.ToString(),
                m.FinalTrainLoss is double l ? $"{l:F3}" : "-", $"{m.TrainSeconds:F0} s");
        console.Write(table);
        string pgr = r.Pgr is double p ? $"[bold]PGR {p:F2}[/]" : $"[bold yellow]PGR undefined[/]: {Markup.Escape(r.PgrUndefinedReason ?? "")}";
        console.MarkupLine($"{pgr}  (gap {r.Gap * 100:F1} points; ± is the binomial standard error over {r.Data.Test} test examples)" +
                           (r.AurocPgr is double ap ? $"; PGR of AUROC {ap:F2}" : ""));
        console.MarkupLine($"test majority rate {r.Data.TestMajorityRate * 100:F1}%; weak labels right on B {r.WeakLabelAccuracyOnB * 100:F1}%; " +
                           $"student agrees with weak on test {r.StudentWeakAgreement.Overall * 100:F1}% (where weak right {r.StudentWeakAgreement.WhereWeakRight * 100:F1}%, where weak wrong {(r.StudentWeakAgreement.WhereWeakWrong is double w ? $"{w * 100:F1}%" : "-")}); A/B/test = {r.Data.TrainA}/{r.Data.TrainB}/{r.Data.Test}; " +
                           $"total {r.TotalSeconds:F0} s");
        if (r.WeakMembers is { } members)
            console.MarkupLine("weak ensemble members (test accuracy, labels right on B): " + string.Join("; ", members.Select(m =>
                $"{Markup.Escape(m.Model)}{(m.Resample > 0 ? $" bag {m.Resample}" : "")} {m.TestAccuracy * 100:F1}%, {m.LabelAccuracyOnB * 100:F1}%")));
        if (r.Diagnostics is { } d)
            console.MarkupLine($"gain over weak {SignedNumber.Format(d.Gain * 100, 1)} points ({d.StudentFixes} fixed, {d.StudentBreaks} broken: " +
                               $"{d.CorrectionExpansion.Correction} correction, {d.CorrectionExpansion.Expansion} expansion by {d.CorrectionExpansion.Neighbours}-NN on B" +
                               (d.CorrectionExpansion.Isolated > 0 ? $", {d.CorrectionExpansion.Isolated} isolated" : "") + "); " +
                               $"squared-loss gain {d.SquaredGain:F3} against misfit on test {d.MisfitOnTest:F3}, on B {(d.MisfitOnB is double m ? $"{m:F3}" : "-")}");
        if (r.Student.Checkpoint is { } cp)
            console.MarkupLine((r.Config.Selection == CheckpointCriterion.OracleTestAccuracy ? "[bold red]ORACLE, an upper bound, not a method:[/] " : "") +
                               $"student checkpoint from step {cp.Step} of {r.Student.Steps}, chosen by {Markup.Escape(cp.Criterion)} ({cp.Score * 100:F1}%)");
        if (r.WeakLabels is { } spread)
            console.MarkupLine($"weak labels on B: P({Markup.Escape(r.Data.ClassNames.LastOrDefault() ?? "1")}) mean {spread.Mean:F2}, standard deviation {spread.StandardDeviation:F2}");
        foreach (var warning in r.Warnings) console.MarkupLine($"[bold yellow]warning:[/] {Markup.Escape(warning)}");
        foreach (var note in r.Data.Notes) console.MarkupLine($"[grey]note: {Markup.Escape(note)}[/]");
    }

    public static void WriteAggregate(SeedAggregate a, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(a.Task)}[/]: {a.Weak} → {a.Strong}, loss {a.Loss}, seeds {string.Join(",", a.Seeds)}")
            .AddColumns("", "mean", "standard error", "bootstrap 95% interval");
        void Row(string name, Metrics.SeedSummary? s, bool percent) => table.AddRow(name,
            s is null ? "-" : Fmt(s.Mean, percent), s is null || s.Count < 2 ? "-" : Fmt(s.StandardError, percent),
            s is null || s.Count < 2 ? "-" : Markup.Escape($"[{Fmt(s.CiLow, percent)}, {Fmt(s.CiHigh, percent)}]")); // cells are markup
        Row("weak accuracy", a.WeakAccuracy, true);
        Row("student accuracy", a.StudentAccuracy, true);
        Row("ceiling accuracy", a.CeilingAccuracy, true);
        Row($"PGR ({a.Seeds.Length - a.PgrUndefinedSeeds} seeds defined)", a.Pgr, false);
        if (a.AurocPgr is not null) Row($"PGR of AUROC ({a.AurocPgr.Count} seeds defined)", a.AurocPgr, false);
        if (a.Gain is not null) Row("gain over weak (accuracy)", a.Gain, true);
        if (a.MisfitOnTest is not null) Row("misfit student–weak on test", a.MisfitOnTest, false);
        console.Write(table);
        console.MarkupLine(a.PgrOfMeans is double p
            ? $"[bold]PGR of the mean accuracies {p:F2}[/]"
            : $"[bold yellow]PGR of the mean accuracies undefined[/]: {Markup.Escape(a.PgrOfMeansUndefinedReason ?? "")}");
    }

    private static string Fmt(double v, bool percent) => percent ? $"{v * 100:F1}%" : $"{v:F2}";
}
