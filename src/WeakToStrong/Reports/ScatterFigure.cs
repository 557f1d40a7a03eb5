using ScottPlot;

namespace WeakToStrong.Reports;

/// <summary>One group of points of a scatter figure (e.g. one method's weak→strong pairs).</summary>
internal sealed record ScatterSeries(string Label, int ColorIndex, double[] X, double[] Y);

/// <summary>
/// Scatter figures rendered to PNG by ScottPlot (headless), with the y = x line: for comparing a quantity with a bound
/// on it, such as the gain of a student over its supervisor with their misfit. Colour and marker tell the groups apart.
/// </summary>
internal static class ScatterFigure
{
    private static readonly MarkerShape[] Markers = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle, MarkerShape.OpenSquare];

    public static void Save(string path, string title, string xLabel, string yLabel, IReadOnlyList<ScatterSeries> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var all = series.SelectMany(s => s.X.Concat(s.Y)).Where(double.IsFinite).ToList();
        double lo = Math.Min(0, all.DefaultIfEmpty(0).Min()), hi = Math.Max(0.01, all.DefaultIfEmpty(0).Max());
        double pad = (hi - lo) * 0.08;
        var diagonal = plot.Add.Line(lo - pad, lo - pad, hi + pad, hi + pad);
        diagonal.Color = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "y = x";
        foreach (var (s, i) in series.Select((s, i) => (s, i)))
        {
            var points = plot.Add.ScatterPoints(s.X, s.Y);
            points.Color = palette.GetColor(s.ColorIndex);
            points.MarkerShape = Markers[i % Markers.Length];
            points.MarkerSize = 9;
            points.LegendText = s.Label;
        }
        plot.Title(title, 16);
        plot.XLabel(xLabel, 14);
        plot.YLabel(yLabel, 14);
        plot.Axes.SetLimits(lo - pad, hi + pad, lo - pad, hi + pad);
        plot.Legend.FontSize = 12;
        plot.ShowLegend(Edge.Right);
        // Rendered in memory and written atomically, so a full disk leaves no half-written PNG.
        using var image = plot.GetImage(900, 600);
        var png = image.GetImageBytes(ImageFormat.Png, 100);
        Results.AtomicFile.Write(path, stream => stream.Write(png));
    }
}
