using ScottPlot;

namespace WeakToStrong.Reports;

/// <summary>One line of a figure: a mean per x position, with a shaded band (low..high) when there are several seeds.</summary>
internal sealed record FigureSeries(string Label, int ColorIndex, int StyleIndex, double[] X, double[] Mean, double[] Low, double[] High, bool Bold = false);

/// <summary>
/// Line figures over the model ladder, rendered to PNG by ScottPlot (headless). Colour tells one thing (e.g. the weak
/// supervisor), line pattern and marker another (the method); bands show the spread over seeds; the legend sits
/// outside the plotting area so it never covers data.
/// </summary>
internal static class LineFigure
{
    private static readonly LinePattern[] Patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
    private static readonly MarkerShape[] Markers = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle, MarkerShape.OpenSquare];

    public static void Save(string path, string title, string xLabel, string yLabel, IReadOnlyList<string> xTicks,
        IReadOnlyList<FigureSeries> series, (double Low, double High)? yLimits = null, double? referenceY = null, string? referenceLabel = null)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var s in series)
        {
            var color = s.ColorIndex < 0 ? Colors.Black : palette.GetColor(s.ColorIndex);
            if (s.X.Length > 1 && s.Low.Zip(s.High).Any(p => p.Second > p.First))
            {
                var band = plot.Add.FillY(s.X, s.Low, s.High);
                band.FillColor = color.WithAlpha(s.Bold ? 0.10 : 0.13);
                band.LineWidth = 0;
            }
            var line = plot.Add.Scatter(s.X, s.Mean);
            line.Color = color;
            line.LineWidth = s.Bold ? 3 : 2;
            line.LinePattern = Patterns[s.StyleIndex % Patterns.Length];
            line.MarkerShape = Markers[s.StyleIndex % Markers.Length];
            line.MarkerSize = s.Bold ? 9 : 7;
            line.LegendText = s.Label;
        }
        if (referenceY is double y)
        {
            var reference = plot.Add.HorizontalLine(y);
            reference.Color = Colors.Gray;
            reference.LinePattern = LinePattern.Dotted;
            reference.LineWidth = 1;
            if (referenceLabel is not null) reference.LegendText = referenceLabel;
        }
        plot.Title(title, 16);
        plot.XLabel(xLabel, 14);
        plot.YLabel(yLabel, 14);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, xTicks.Count).Select(i => (double)i).ToArray(), xTicks.ToArray());
        plot.Axes.SetLimitsX(-0.3, Math.Max(1, xTicks.Count - 1) + 0.3);
        if (yLimits is { } lim) plot.Axes.SetLimitsY(lim.Low, lim.High);
        plot.Legend.FontSize = 12;
        plot.ShowLegend(Edge.Right);
        // Rendered in memory and written atomically, so a full disk leaves no half-written PNG.
        using var image = plot.GetImage(1100, 600);
        var png = image.GetImageBytes(ImageFormat.Png, 100);
        Results.AtomicFile.Write(path, stream => stream.Write(png));
    }

    /// <summary>Y limits that show every band with a margin, clipped to [clipLow, clipHigh].</summary>
    public static (double, double) Limits(IEnumerable<FigureSeries> series, double clipLow, double clipHigh, double? include = null)
    {
        var values = series.SelectMany(s => s.Low.Concat(s.High).Concat(s.Mean)).Where(double.IsFinite).ToList();
        if (include is double v) values.Add(v);
        if (values.Count == 0) return (clipLow, clipHigh);
        double lo = values.Min(), hi = values.Max(), pad = Math.Max(0.02, (hi - lo) * 0.08);
        return (Math.Max(clipLow, lo - pad), Math.Min(clipHigh, hi + pad));
    }
}
