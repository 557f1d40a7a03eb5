using System.Diagnostics;
using System.Text.Json.Nodes;

namespace WeakToStrong.Bench;

/// <summary>
/// Runs bench/torch_peer.py with Debian's python3-torch. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed for that
/// command only: a machine-wide Haswell setting halves OpenBLAS' fp32 matmul here, which would make the peer unfairly slow.
/// </summary>
internal static class PeerWork
{
    public const string InstallHint = "sudo apt-get install libopenblas0-openmp";

    /// <param name="trainOnly">Time training only: no parity check, no inference (a further round of the comparison).</param>
    public static JsonObject Run(string python, string script, string weights, string idsFile, int batch, int seq, int threads,
        int warmup, int steps, int bf16Warmup, int bf16Steps, bool trainOnly = false) =>
        RunScript(python, script, threads, ["--weights", weights, "--ids", idsFile, "--batch", $"{batch}", "--seq", $"{seq}",
            "--threads", $"{threads}", "--warmup", $"{warmup}", "--steps", $"{steps}",
            "--bf16-warmup", $"{bf16Warmup}", "--bf16-steps", $"{bf16Steps}", .. trainOnly ? ["--train-only"] : Array.Empty<string>()]);

    /// <summary>Which BLAS the peer's torch loads (a second-long run of the script, before any timing).</summary>
    public static JsonObject Blas(string python, string script, int threads) => RunScript(python, script, threads, "--blas-only");

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

    private static JsonObject RunScript(string python, string script, int threads, params string[] args)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
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
