using System.Diagnostics;
using System.Text.Json.Nodes;

namespace WeakToStrong.Bench;

/// <summary>
/// Runs bench/torch_peer.py with Debian's python3-torch. A machine-wide OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE is removed
/// for that command (a Haswell setting halves OpenBLAS' fp32 matmul on an AVX-512 CPU); the core type the peer runs with
/// is <see cref="CoreType"/>, chosen by measurement (<see cref="ChooseCoreType"/>).
/// </summary>
internal static class PeerWork
{
    public const string InstallHint = "sudo apt-get install libopenblas0-openmp";

    /// <summary>OPENBLAS_CORETYPE for every peer command; null: OpenBLAS's own pick.</summary>
    public static string? CoreType { get; set; }

    /// <summary>
    /// The OpenBLAS kernel set that runs the model's fp32 GEMM fastest among OpenBLAS's own pick and the sets this CPU's ISA
    /// allows; null keeps OpenBLAS's pick unless another is more than 10% faster. OpenBLAS picks from CPUID tables fixed at
    /// its release: Debian 12's 0.3.21 does not know newer CPUs and falls back to its SSE3 kernels ("Prescott"), which on
    /// an AMX Xeon ran that GEMM at 29-55 GFLOP/s against 200-294 with its SkylakeX or Cooperlake kernels. Returns every
    /// rate probed.
    /// </summary>
    public static (string? CoreType, JsonObject Rates) ChooseCoreType(string python, string script, int threads, CpuInfo cpu, JsonObject ownPick)
    {
        var rates = new JsonObject();
        if (ownPick["openblas_core"]?.GetValue<string>() is not { } own) return (null, rates);
        double ownRate = ownPick["sgemm_gflops"]!.GetValue<double>();
        rates[$"{own} (OpenBLAS's pick)"] = ownRate;
        var candidates = new List<string>();
        if (cpu.Has("AVX2")) candidates.Add("Haswell");
        if (cpu.HasAvx512) candidates.Add("SkylakeX");
        if (cpu.HasAvx512 && cpu.Has("AVX512-BF16")) candidates.Add("Cooperlake");
        string? best = null;
        double bestRate = ownRate * 1.1;
        foreach (var core in candidates.Where(c => !string.Equals(c, own, StringComparison.OrdinalIgnoreCase)))
        {
            double rate = RunScript(python, script, threads, core, "--blas-only")["sgemm_gflops"]!.GetValue<double>();
            rates[core] = rate;
            if (rate > bestRate) (best, bestRate) = (core, rate);
        }
        return (best, rates);
    }

    /// <param name="trainOnly">Time training only: no parity check, no inference (a further round of the comparison).</param>
    /// <param name="bf16First">Time bf16 before fp32.</param>
    public static JsonObject Run(string python, string script, string weights, string idsFile, int batch, int seq, int threads,
        int warmup, int steps, int bf16Warmup, int bf16Steps, bool trainOnly = false, bool bf16First = false) =>
        RunScript(python, script, threads, CoreType, ["--weights", weights, "--ids", idsFile, "--batch", $"{batch}", "--seq", $"{seq}",
            "--threads", $"{threads}", "--warmup", $"{warmup}", "--steps", $"{steps}",
            "--bf16-warmup", $"{bf16Warmup}", "--bf16-steps", $"{bf16Steps}", .. trainOnly ? ["--train-only"] : Array.Empty<string>(), .. bf16First ? ["--bf16-first"] : Array.Empty<string>()]);

    /// <summary>Which BLAS the peer's torch loads (a second-long run of the script, before any timing).</summary>
    public static JsonObject Blas(string python, string script, int threads) => RunScript(python, script, threads, CoreType, "--blas-only");

    /// <summary>
    /// Null when the peer's matmuls run on an optimised BLAS; otherwise why its figures must not be compared with ours.
    /// Debian's python3-torch is built against the generic libblas.so.3 and does not depend on an optimised one: without
    /// OpenBLAS installed, that name resolves to the reference BLAS (about 8 GFLOP/s), which would make ours look many times
    /// faster than PyTorch. A torch built with its own BLAS (BLAS_INFO=mkl, open, ...) is at full speed as it is.
    /// </summary>
    public static string? ReferenceBlasProblem(JsonNode? peer)
    {
        if (peer?["blas"]?.GetValue<string>() is { } info && info != "generic") return null;
        var libraries = peer?["blas_library"]?.AsArray().Select(l => l!.GetValue<string>()).ToList() ?? [];
        var blas = libraries.Where(l => Path.GetFileName(l).StartsWith("libblas.so", StringComparison.Ordinal)).ToList();
        if (blas.Count > 0 && blas.All(IsOptimised)) return null;
        return $"the PyTorch peer's libblas.so.3 is the reference BLAS ({(blas.Count == 0 ? "none loaded" : string.Join(", ", blas))}), " +
               $"so its figures are not PyTorch's speed: install OpenBLAS (`{InstallHint}`), which Debian then selects as " +
               "libblas.so.3 (check: `update-alternatives --display libblas.so.3-x86_64-linux-gnu`), and run the benchmark again";
    }

    private static bool IsOptimised(string library) =>
        new[] { "openblas", "blis", "mkl", "atlas" }.Any(name => library.Contains(name, StringComparison.OrdinalIgnoreCase));

    private static JsonObject RunScript(string python, string script, int threads, string? coreType, params string[] args)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        if (coreType is not null) start.Environment["OPENBLAS_CORETYPE"] = coreType;
        start.Environment["OMP_NUM_THREADS"] = $"{threads}";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{python} {script} failed ({process.ExitCode}): {stderr.Result}");
        return JsonNode.Parse(stdout.Trim().Split('\n')[^1])!.AsObject();
    }
}
