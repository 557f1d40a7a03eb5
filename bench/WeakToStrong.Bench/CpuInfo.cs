using System.Runtime.Intrinsics.X86;
using System.Text.Json.Nodes;

namespace WeakToStrong.Bench;

/// <summary>
/// The CPU a figure was measured on: model name and the ISA features that decide which kernels libtorch and OpenBLAS
/// run (AVX2; AVX-512 F/BW/VL/DQ, which libtorch needs for oneDNN's bf16 GEMM; AVX512-BF16; AMX). Figures from different
/// CPU kinds are not comparable, so RESULTS.md keeps one table per kind. VMs often hide the model name ("AMD EPYC"), so the
/// CPUID family/model/stepping (<see cref="Signature"/>) is kept too: it names the microarchitecture (AMD family 25 is Zen 3/4,
/// 26 is Zen 5).
/// </summary>
internal sealed record CpuInfo(string Model, IReadOnlyList<string> Flags, string? Signature = null)
{
    // (name in /proc/cpuinfo, name in the report)
    private static readonly (string Proc, string Shown)[] Features =
    [
        ("avx2", "AVX2"), ("avx512f", "AVX-512F"), ("avx512bw", "AVX-512BW"), ("avx512vl", "AVX-512VL"), ("avx512dq", "AVX-512DQ"),
        ("avx512_bf16", "AVX512-BF16"), ("amx_tile", "AMX-TILE"), ("amx_bf16", "AMX-BF16"),
    ];

    public bool Has(string shown) => Flags.Contains(shown);

    /// <summary>The kind a results table is keyed by: what decides the fp32 and bf16 kernel paths.</summary>
    public string Kind =>
        Has("AMX-BF16") ? "AVX-512 + AVX512-BF16 + AMX"
        : Has("AVX512-BF16") && HasAvx512 ? "AVX-512 + AVX512-BF16"
        : HasAvx512 ? "AVX-512 (no AVX512-BF16)"
        : Has("AVX2") ? "AVX2 (no AVX-512)"
        : "no AVX2";

    /// <summary>AVX-512 F/BW/VL/DQ: what oneDNN's bf16 GEMM in libtorch and OpenBLAS's SkylakeX kernels need.</summary>
    public bool HasAvx512 => Has("AVX-512F") && Has("AVX-512BW") && Has("AVX-512VL") && Has("AVX-512DQ");

    /// <summary>"AMD EPYC: AVX2, AVX-512F, ...": the line printed next to every table.</summary>
    public string Describe() => $"{Model}{(Signature is null ? "" : $" ({Signature})")}: {(Flags.Count == 0 ? "none of the tracked ISA features" : string.Join(", ", Flags))}" +
                                $" (no {string.Join(", ", Features.Select(f => f.Shown).Where(f => !Has(f)).DefaultIfEmpty("-"))})";

    public JsonObject ToJson() => new()
    {
        ["model"] = Model, ["signature"] = Signature, ["kind"] = Kind,
        ["flags"] = new JsonArray(Flags.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
    };

    public static CpuInfo? FromJson(JsonNode? node) => node is JsonObject o
        ? new CpuInfo(o["model"]!.GetValue<string>(), o["flags"]!.AsArray().Select(f => f!.GetValue<string>()).ToList(),
            o["signature"]?.GetValue<string>())
        : null;

    /// <summary>This machine, from /proc/cpuinfo (what the kernel and the VM expose), else from .NET's CPUID checks.</summary>
    public static CpuInfo Detect()
    {
        if (File.Exists("/proc/cpuinfo"))
        {
            var lines = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Trim().Length > 0).ToList(); // first processor
            string Field(string name) => lines.Select(l => l.Split(':', 2)).FirstOrDefault(kv => kv.Length == 2 && kv[0].Trim() == name)?[1].Trim() ?? "";
            var flags = Field("flags").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            return new CpuInfo(Field("model name") is { Length: > 0 } m ? m : "unknown CPU",
                Features.Where(f => flags.Contains(f.Proc)).Select(f => f.Shown).ToList(),
                Field("cpu family") is { Length: > 0 } family ? $"family {family}, model {Field("model")}, stepping {Field("stepping")}" : null);
        }
        var seen = new List<string>();
        if (Avx2.IsSupported) seen.Add("AVX2");
        if (Avx512F.IsSupported) seen.Add("AVX-512F");
        if (Avx512BW.IsSupported) seen.Add("AVX-512BW");
        if (Avx512F.VL.IsSupported) seen.Add("AVX-512VL");
        if (Avx512DQ.IsSupported) seen.Add("AVX-512DQ");
        return new CpuInfo("unknown CPU", seen);
    }
}
