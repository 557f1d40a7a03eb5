namespace WeakToStrong.Metrics;

/// <summary>
/// Performance gap recovered: (student - weak) / (ceiling - weak). Undefined, with the reason, when the gap between the
/// strong ceiling and the weak supervisor is below the threshold (PGR would be noise divided by almost nothing).
/// </summary>
internal sealed record Pgr(double? Value, double Gap, string? UndefinedReason)
{
    public const double DefaultMinGap = 0.03;

    public static Pgr Of(double weak, double student, double ceiling, double minGap = DefaultMinGap)
    {
        double gap = ceiling - weak;
        if (gap <= 0) return new Pgr(null, gap, $"the ceiling ({ceiling:P1}) does not beat the weak supervisor ({weak:P1})");
        if (gap < minGap) return new Pgr(null, gap, $"gap {gap * 100:F1} points is below the {minGap * 100:F0}-point threshold");
        return new Pgr((student - weak) / gap, gap, null);
    }

    /// <summary>
    /// PGR measured in AUROC rather than accuracy: what the student learned to rank, whatever its decision threshold.
    /// A student trained on soft labels close to 0.5 can rank well and still put every example on one side of 0.5.
    /// Null where an AUROC is missing (K > 2 uses the macro one-vs-rest AUROC).
    /// </summary>
    public static Pgr? OfAuroc(double? weak, double? student, double? ceiling, double minGap = DefaultMinGap) =>
        weak is double w && student is double s && ceiling is double c ? Of(w, s, c, minGap) : null;
}
