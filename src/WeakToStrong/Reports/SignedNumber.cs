using System.Globalization;

namespace WeakToStrong.Reports;

/// <summary>Differences printed with their sign ("+0.12", "-0.12").</summary>
internal static class SignedNumber
{
    /// <summary>
    /// A value that rounds to zero prints "+0.00": .NET's "+0.00;-0.00" format alone prints "-+0.00" for, say, -0.001, and
    /// adding 0.0 after rounding turns −0 into +0.
    /// </summary>
    public static string Format(double value, int decimals)
    {
        string digits = "0." + new string('0', decimals);
        return (Math.Round(value, decimals) + 0.0).ToString($"+{digits};-{digits}", CultureInfo.InvariantCulture);
    }
}
