namespace WeakToStrong.Data;

/// <summary>What balancing did: per-class counts before and after (index = class), and the majority rates.</summary>
internal sealed record BalanceReport(bool Applied, int[] Before, int[] After, double MajorityRateBefore, double MajorityRateAfter)
{
    public int[] Dropped => Before.Zip(After, (b, a) => b - a).ToArray();

    public override string ToString() => Applied
        ? $"balanced (majority {MajorityRateBefore:P1} > threshold): " +
          string.Join(", ", Before.Select((b, c) => $"class {c} kept {After[c]} of {b}"))
        : $"not balanced (majority {MajorityRateBefore:P1} within threshold): counts [{string.Join(", ", Before)}]";
}
