using System.Diagnostics;
using System.Text.Json.Nodes;

namespace WeakToStrong.Bench;

/// <summary>
/// Runs bench/torch_peer.py with Debian's python3-torch. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed for that
/// command only: a machine-wide Haswell setting halves OpenBLAS' fp32 matmul here, which would make the peer unfairly slow.
/// </summary>
internal static class PeerWork
{
    public static JsonObject Run(string python, string script, string weights, string idsFile, int batch, int seq, int threads,
        int warmup, int steps, int bf16Warmup, int bf16Steps)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { script, "--weights", weights, "--ids", idsFile, "--batch", $"{batch}", "--seq", $"{seq}",
                     "--threads", $"{threads}", "--warmup", $"{warmup}", "--steps", $"{steps}",
                     "--bf16-warmup", $"{bf16Warmup}", "--bf16-steps", $"{bf16Steps}" })
            start.ArgumentList.Add(a);
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
