// Benchmark: finetuning and inference throughput of minilm-l6 in our code vs PyTorch (same weights) and ONNX Runtime,
// achieved FLOP/s against a measured matmul peak (and that peak against the CPU's FMA ceiling), and wall time of whole
// `w2s run` commands, labelled with the CPU model and ISA flags. Writes this CPU kind's section of bench/results.json and
// bench/RESULTS.md. It refuses to run when the PyTorch peer would use the reference BLAS. Not part of the tests: run it on
// a quiet machine, e.g.
//   dotnet run -c Release --project bench/WeakToStrong.Bench -- --threads 2
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using WeakToStrong.Bench;
using WeakToStrong.Models;
using WeakToStrong.Training;
using static TorchSharp.torch;

WeakToStrong.Cli.MallocTuning.EnsureTunedHeap();
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
if (args.Contains("--report-only"))
{
    // Regenerate RESULTS.md from results.json (e.g. after changing the report's layout).
    var dir = Path.Combine(FindRepo(), "bench");
    var stored = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!.AsObject();
    File.WriteAllText(Path.Combine(dir, "RESULTS.md"), Report.Markdown(stored));
    Console.WriteLine(File.ReadAllText(Path.Combine(dir, "RESULTS.md")));
    return;
}
int threads = int.Parse(Arg("--threads", "2"));
int rounds = int.Parse(Arg("--rounds", "7"));
int trainRounds = int.Parse(Arg("--train-rounds", "5"));
int steps = int.Parse(Arg("--steps", "5")), warmup = int.Parse(Arg("--warmup", "2"));
bool runs = !args.Contains("--skip-runs");
// Only our training step in one precision, nothing written: run it under ONEDNN_VERBOSE=1 for bench/onednn_profile.py.
string? profileStep = Arg("--profile-step", "") is { Length: > 0 } step ? step : null;
if (profileStep is not (null or "bf16" or "fp32"))
{
    Console.Error.WriteLine($"bench: --profile-step {profileStep}: give bf16 or fp32.");
    Environment.Exit(2);
}
// Only the matmul rates by shape, nothing written.
bool matmulOnly = args.Contains("--matmul-rates");
string python = Arg("--python", "/usr/bin/python3");
const int Batch = 32;
// Tokens per input. Only a profiled step may shorten it (real tasks' inputs are often short, where fixed costs show);
// the compared figures always use 128.
int seq = int.Parse(Arg("--seq", "128"));
if (seq < 2 || seq > 512 || (seq != 128 && profileStep is null))
{
    Console.Error.WriteLine($"bench: --seq {seq}: give 2 to 512 tokens, and only with --profile-step (the compared figures use 128).");
    Environment.Exit(2);
}
string repo = FindRepo();
string outDir = Path.Combine(repo, "bench");
// The whole-command timings run the built w2s: find it before minutes of timing, not after.
bool timeCommands = runs && profileStep is null && !matmulOnly;
string? cli = timeCommands ? CliWork.FindCli(repo) : null;
if (timeCommands && cli is null)
{
    Console.Error.WriteLine($"bench: w2s.dll not found under {CliWork.CliBin(repo)}: build the solution first (dotnet build -c Release), " +
                            "or pass --skip-runs to leave out the whole-command timings.");
    Environment.Exit(2);
}
string work = Directory.CreateTempSubdirectory("w2s-bench-").FullName;
var command = "dotnet run -c Release --project bench/WeakToStrong.Bench -- " + string.Join(' ', args);

var results = new JsonObject
{
    ["command"] = command, ["date"] = DateTime.UtcNow.ToString("u"), ["threads"] = threads, ["cores"] = Environment.ProcessorCount,
    ["batch"] = Batch, ["seq"] = seq, ["steps"] = steps, ["rounds"] = rounds, ["train_rounds"] = trainRounds, ["warmup"] = warmup, ["load_average_start"] = Measure.LoadAverage(),
    ["transparent_hugepages"] = Measure.TransparentHugePages(), ["glibc_tunables"] = Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "",
};
void Log(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss} load {Measure.LoadAverage():F1}] {line}");

var cpu = CpuInfo.Detect();
results["cpu"] = cpu.ToJson();
Log($"CPU: {cpu.Describe()}");
string peerScript = Path.Combine(repo, "bench", "torch_peer.py");
// Before any timing: a peer on the reference BLAS would make every ratio against PyTorch meaningless.
if (profileStep is null && !matmulOnly) try
{
    var blas = PeerWork.Blas(python, peerScript, threads);
    if (PeerWork.ReferenceBlasProblem(blas) is { } blasProblem)
    {
        Console.Error.WriteLine($"bench: refused: {blasProblem}.");
        Environment.Exit(2);
    }
    // A BLAS on a generic fallback is no peer either: run it with the fastest kernel set this CPU allows.
    var (coreType, coreRates) = PeerWork.ChooseCoreType(python, peerScript, threads, cpu, blas);
    PeerWork.CoreType = coreType;
    results["peer_openblas_coretype"] = coreType;
    results["peer_openblas_sgemm_gflops"] = coreRates;
    if (coreRates.Count > 0)
        Log($"PyTorch peer's OpenBLAS fp32 GEMM, GFLOP/s: {string.Join(", ", coreRates.Select(r => $"{r.Key} {r.Value!.GetValue<double>():F0}"))}; " +
            $"the peer runs with {(coreType is null ? "OpenBLAS's own pick" : $"OPENBLAS_CORETYPE={coreType}")}");
}
catch (InvalidOperationException e) { Log("PyTorch peer unavailable (the run goes on without it): " + e.Message); }

TorchRuntime.Initialize(threads);
results["mkl_fp32_kernels"] = MklKernels.Status;
Log($"oneMKL float32 kernels: {MklKernels.Status}");
string bf16Gemm = MklBf16Gemm.Preferred ? "oneMKL's bf16 GEMM (cblas_gemm_bf16bf16f32)" : "libtorch's bf16 linear (oneDNN)";
results["bf16_linear_gemm"] = bf16Gemm;
Log($"bf16 linear layers: {bf16Gemm}");
string bf16Attention = MklBf16Gemm.Preferred ? "fused per head on oneMKL's bf16 GEMM (Bf16Attention)" : "three libtorch ops (LowPrecisionAttention)";
results["bf16_attention"] = bf16Attention;
Log($"bf16 attention: {bf16Attention}");
// Random full-length token ids (no padding, so every system does exactly batch x seq tokens of work).
var rng = new Random(0);
var ids = new long[Batch * seq];
for (int i = 0; i < ids.Length; i++) ids[i] = i % seq == 0 ? 101 : i % seq == seq - 1 ? 102 : rng.Next(1000, 30000);
var batch = Enumerable.Range(0, Batch).Select(b => new EncodedInput(ids[(b * seq)..((b + 1) * seq)], new long[seq])).ToList();
double tokens = Batch * seq;
if (matmulOnly)
{
    foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        Log($"matmul GFLOP/s, {dtype}: {string.Join(", ", OursWork.MatmulRates(dtype).Select(r => $"{r.Shape} {r.Gflops:F0}"))}");
    Log($"float32 FMA ceiling ({threads} threads, no memory traffic): {ArithmeticPeak.Fp32Fma(threads):F0} GFLOP/s");
    Directory.Delete(work, recursive: true);
    return;
}
if (profileStep is not null)
{
    var precision = profileStep == "fp32" ? ComputePrecision.Float32 : ComputePrecision.BFloat16;
    var t = OursWork.Train(batch, precision, warmup, steps);
    Log($"ours {profileStep}, {warmup} warm-up + {steps} timed steps: {t.SecondsPerStep:F3} s per step " +
        $"(forward {t.Forward:F3}, backward {t.Backward:F3}, Adam {t.Optimizer:F3})");
    Directory.Delete(work, recursive: true);
    return;
}

Log("matmul peak");
var ratesFp32 = OursWork.MatmulRates(ScalarType.Float32);
var ratesBf16 = OursWork.MatmulRates(ScalarType.BFloat16);
double peakFp32 = ratesFp32.Max(r => r.Gflops), peakBf16 = ratesBf16.Max(r => r.Gflops);
results["matmul_gflops"] = new JsonObject { ["fp32"] = peakFp32, ["bf16"] = peakBf16 };
static JsonObject ByShape(IEnumerable<(string Shape, double Gflops)> rates) => new(rates.Select(r => KeyValuePair.Create(r.Shape, (JsonNode?)r.Gflops)));
results["matmul_gflops_by_shape"] = new JsonObject { ["fp32"] = ByShape(ratesFp32), ["bf16"] = ByShape(ratesBf16) };
results["fp32_fma_ceiling_gflops"] = ArithmeticPeak.Fp32Fma(threads);
// Without AVX-512 libtorch's bf16 GEMM is a slow reference loop: time bf16 with one step so the run stays short.
bool bf16Slow = peakBf16 < 0.5 * peakFp32;
int bf16Steps = bf16Slow ? 1 : steps, bf16Warmup = bf16Slow ? 1 : warmup;
results["bf16_fast_matmul_cpuid"] = Bf16Support.HasFastMatmul;
results["bf16_slow_path"] = bf16Slow;
results["bf16_steps"] = bf16Steps;

// A probe of the VM's slow stretch before each timed section (the report flags a run in which it moved 3×).
var probes = new JsonArray();
void Probe(string before) => probes.Add(new JsonObject { ["before"] = before, ["softmax_bf16_ms"] = Measure.SoftmaxProbeMilliseconds() });
results["slow_stretch_probes"] = probes;

// Inference against ONNX Runtime (fp32) in alternating rounds, ours in fp32 and then in bf16: each ratio is the median of
// its rounds' ratios, so a slow stretch of a shared machine shows in one round rather than in the figure.
Probe("inference");
Log($"inference: ours (fp32, then bf16) vs ONNX Runtime fp32, {rounds} alternating rounds each");
double inferFp32, ort, inferBf16;
double[] inferRatios, inferBf16Ratios;
using (var onnx = new OrtWork(ids, Batch, seq, threads))
{
    using (var model = BertClassifier.MiniLM(6, 2))
    {
        model.eval();
        (inferFp32, ort, inferRatios) = Measure.Interleaved(warmup, rounds, steps, OursWork.InferenceRun(model, batch), onnx.Run);
    }
    using (var model = BertClassifier.MiniLM(6, 2))
    {
        model.Precision = ComputePrecision.BFloat16;
        model.eval();
        using var caching = model.Casts!.BeginCaching(); // the bf16 weight views cast once, as Trainer.Predict does
        (inferBf16, _, inferBf16Ratios) = Measure.Interleaved(bf16Warmup, rounds, bf16Steps, OursWork.InferenceRun(model, batch), onnx.Run);
    }
}

Log("PyTorch peer");
var (minilm, _) = PretrainedEncoders.Load(PretrainedEncoder.MiniLM);
string weights = Path.Combine(work, "minilm-l6.safetensors"), idsFile = Path.Combine(work, "ids.i64");
SafeTensors.Write(weights, minilm.ToHuggingFace());
File.WriteAllBytes(idsFile, MemoryMarshal.AsBytes(ids.AsSpan()).ToArray());
JsonObject? peer = null;
string? peerError = null;
try { peer = PeerWork.Run(python, peerScript, weights, idsFile, Batch, seq, threads, warmup, steps, bf16Warmup, bf16Steps); }
catch (Exception e) { peerError = e.Message; Log("peer failed: " + e.Message); }
string? peerRefused = PeerWork.ReferenceBlasProblem(peer);
if (peer is not null && peerRefused is not null)
{
    Log("refused: " + peerRefused);
    peer = new JsonObject { ["refused"] = peerRefused, ["blas_library"] = peer["blas_library"]!.DeepClone() };
}
// Training against the peer in alternating rounds, each pair run back to back (the peer's run above, then ours; then ours,
// then a further peer process; ...). Each ratio is the median of the rounds' ratios: a single pair moved by 10-30%. The
// second of a pair runs its precisions in reverse order, so that each precision's two timings are adjacent in time
// (fp32, bf16 | bf16, fp32): a shared machine's speed drifts within a round.
var oursRounds = new List<(OursWork.TrainTiming Fp32, OursWork.TrainTiming Bf16)>();
var peerRounds = new List<(double Fp32, double Bf16)>();
void OursRound(bool bf16First)
{
    OursWork.TrainTiming Fp32() => OursWork.Train(batch, ComputePrecision.Float32, warmup, steps);
    OursWork.TrainTiming Bf16() => OursWork.Train(batch, ComputePrecision.BFloat16, bf16Warmup, bf16Steps);
    if (bf16First) { var b = Bf16(); oursRounds.Add((Fp32(), b)); }
    else { var f = Fp32(); oursRounds.Add((f, Bf16())); }
}
static (double, double) PeerSeconds(JsonObject p) =>
    (p["train_fp32_seconds_per_step"]!.GetValue<double>(), p["train_bf16_seconds_per_step"]!.GetValue<double>());
bool peerUsable = peer is not null && peerRefused is null;
if (peerUsable) peerRounds.Add(PeerSeconds(peer!));
Probe("training round 1");
Log($"training round 1 of {(peerUsable ? trainRounds : 1)}: ours {(peerUsable ? "bf16 / fp32 (PyTorch's: the run above)" : "fp32 / bf16")}");
OursRound(bf16First: peerUsable);
if (peerUsable)
{
    try
    {
        for (int round = 1; round < trainRounds; round++)
        {
            Probe($"training round {round + 1}");
            Log($"training round {round + 1} of {trainRounds}: ours and PyTorch");
            void Peer(bool bf16First) => peerRounds.Add(PeerSeconds(PeerWork.Run(python, peerScript, weights, idsFile, Batch, seq,
                threads, warmup, steps, bf16Warmup, bf16Steps, trainOnly: true, bf16First: bf16First)));
            if (round % 2 == 1) { OursRound(bf16First: false); Peer(bf16First: true); }
            else { Peer(bf16First: false); OursRound(bf16First: true); }
        }
    }
    catch (InvalidOperationException e) { Log("peer failed in a training round (the rounds so far are kept): " + e.Message); }
    if (oursRounds.Count > peerRounds.Count) oursRounds.RemoveAt(oursRounds.Count - 1);
    var (peerFp32, peerBf16) = (Measure.Median(peerRounds.Select(r => r.Fp32)), Measure.Median(peerRounds.Select(r => r.Bf16)));
    peer!["train_fp32_seconds_per_step"] = peerFp32;
    peer["train_fp32_tokens_per_second"] = tokens / peerFp32;
    peer["train_bf16_seconds_per_step"] = peerBf16;
    peer["train_bf16_tokens_per_second"] = tokens / peerBf16;
    peer["train_fp32_seconds_per_step_rounds"] = Json(peerRounds.Select(r => r.Fp32));
    peer["train_bf16_seconds_per_step_rounds"] = Json(peerRounds.Select(r => r.Bf16));
}
results["ours_train_seconds_per_step_rounds"] = new JsonObject
{
    ["fp32"] = Json(oursRounds.Select(r => r.Fp32.SecondsPerStep)),
    ["bf16"] = Json(oursRounds.Select(r => r.Bf16.SecondsPerStep)),
};
// Ours: the round of median time (its forward/backward/Adam split stays one measurement's).
var trainFp32 = oursRounds.Select(r => r.Fp32).OrderBy(t => t.SecondsPerStep).ElementAt((oursRounds.Count - 1) / 2);
var trainBf16 = oursRounds.Select(r => r.Bf16).OrderBy(t => t.SecondsPerStep).ElementAt((oursRounds.Count - 1) / 2);
double[] trainFp32Ratios = peerRounds.Select((p, i) => p.Fp32 / oursRounds[i].Fp32.SecondsPerStep).ToArray();
double[] trainBf16Ratios = peerRounds.Select((p, i) => p.Bf16 / oursRounds[i].Bf16.SecondsPerStep).ToArray();

// Our two bf16 paths against each other, where both run fast: oneMKL's GEMM with the fused attention, and libtorch's
// (oneDNN) linear with its attention ops. Alternating rounds, each pair back to back in this process: the evidence for the
// path this CPU kind takes by default (MklBf16Gemm.Preferred), and on a kind where it is not yet the default, the
// measurement that would make it so.
if (!bf16Slow && MklBf16Gemm.Available)
{
    bool defaultIsMkl = MklBf16Gemm.Preferred;
    var pathRounds = new List<(double Mkl, double LibTorch)>();
    for (int round = 0; round < trainRounds; round++)
    {
        Probe($"bf16 paths round {round + 1}");
        Log($"bf16 paths round {round + 1} of {trainRounds}: ours on oneMKL's path and on libtorch's");
        double Seconds(bool mkl)
        {
            MklBf16Gemm.PathOverride = mkl;
            try { return OursWork.Train(batch, ComputePrecision.BFloat16, warmup, steps).SecondsPerStep; }
            finally { MklBf16Gemm.PathOverride = null; }
        }
        if (round % 2 == 0) { double m = Seconds(true); pathRounds.Add((m, Seconds(false))); }
        else { double l = Seconds(false); pathRounds.Add((Seconds(true), l)); }
    }
    double[] pathRatios = pathRounds.Select(r => r.LibTorch / r.Mkl).ToArray();
    results["bf16_paths"] = new JsonObject
    {
        ["default"] = defaultIsMkl ? "onemkl" : "libtorch",
        ["onemkl_seconds_per_step"] = Measure.Median(pathRounds.Select(r => r.Mkl)),
        ["libtorch_seconds_per_step"] = Measure.Median(pathRounds.Select(r => r.LibTorch)),
        ["onemkl_vs_libtorch"] = Measure.Median(pathRatios),
        ["onemkl_vs_libtorch_rounds"] = Json(pathRatios),
    };
}

double peerParity = double.NaN;
if (peer is not null)
{
    var ours = OursWork.PooledFirstRow(batch);
    var theirs = peer["pooled_row0_first8"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
    peerParity = theirs.Select((v, i) => Math.Abs(v - ours[i])).Max();
}

// Matmul FLOPs per token of the 6-layer encoder (embeddings and the 384x2 head are negligible): QKV, attention output
// and the two FFN matmuls, plus scores and context (2 x 2·T·H). Training ≈ 3 x forward (backward needs two matmuls per one).
var c = BertConfig.MiniLmL6;
double forwardFlops = c.Layers * (2.0 * c.Hidden * 3 * c.Hidden + 2.0 * c.Hidden * c.Hidden + 4.0 * c.Hidden * c.Intermediate + 4.0 * seq * c.Hidden);
double trainFlops = 3 * forwardFlops;

double oursTrainFp32 = tokens / trainFp32.SecondsPerStep, oursTrainBf16 = tokens / trainBf16.SecondsPerStep;
double oursInferFp32 = tokens / inferFp32, oursInferBf16 = tokens / inferBf16, ortTps = tokens / ort;
double? P(string k) => peerRefused is null ? peer?[k]?.GetValue<double>() : null;
results["ours"] = new JsonObject
{
    ["train_fp32_tokens_per_second"] = oursTrainFp32, ["train_bf16_tokens_per_second"] = oursTrainBf16,
    ["infer_fp32_tokens_per_second"] = oursInferFp32, ["infer_bf16_tokens_per_second"] = oursInferBf16,
    ["train_fp32_step"] = new JsonObject { ["forward"] = trainFp32.Forward, ["backward"] = trainFp32.Backward, ["optimizer"] = trainFp32.Optimizer },
    ["train_bf16_step"] = new JsonObject { ["forward"] = trainBf16.Forward, ["backward"] = trainBf16.Backward, ["optimizer"] = trainBf16.Optimizer },
};
results["onnxruntime"] = new JsonObject { ["version"] = "1.31.1", ["infer_fp32_tokens_per_second"] = ortTps };
results["pytorch"] = peer is null ? new JsonObject { ["error"] = peerError } : peer.DeepClone();
results["pytorch_parity_max_abs_pooled"] = peerParity;
results["flops_per_token"] = new JsonObject { ["forward"] = forwardFlops, ["train"] = trainFlops };

double? Ratio(double ours, double? theirs) => theirs is > 0 ? ours / theirs : null;
var ratios = new JsonObject
{
    ["train_fp32_vs_pytorch"] = trainFp32Ratios.Length > 0 ? Measure.Median(trainFp32Ratios) : null,
    ["train_fp32_vs_pytorch_rounds"] = Json(trainFp32Ratios),
    ["train_bf16_vs_pytorch_autocast"] = trainBf16Ratios.Length > 0 ? Measure.Median(trainBf16Ratios) : null,
    ["train_bf16_vs_pytorch_autocast_rounds"] = Json(trainBf16Ratios),
    ["infer_fp32_vs_onnxruntime"] = Measure.Median(inferRatios),
    ["infer_fp32_vs_onnxruntime_rounds"] = Json(inferRatios),
    ["infer_bf16_vs_onnxruntime"] = Measure.Median(inferBf16Ratios),
    ["infer_bf16_vs_onnxruntime_rounds"] = Json(inferBf16Ratios),
    ["infer_fp32_vs_pytorch"] = Ratio(oursInferFp32, P("infer_fp32_tokens_per_second")),
};
results["ratios"] = ratios;
var share = new JsonObject
{
    ["train_fp32"] = oursTrainFp32 * trainFlops / 1e9 / peakFp32, ["train_bf16"] = oursTrainBf16 * trainFlops / 1e9 / peakBf16,
    ["infer_fp32"] = oursInferFp32 * forwardFlops / 1e9 / peakFp32, ["infer_bf16"] = oursInferBf16 * forwardFlops / 1e9 / peakBf16,
};
results["share_of_matmul_peak"] = share;

if (cli is not null)
{
    string runsDir = Path.Combine(work, "runs"), cache = Path.Combine(work, "features");
    var env = new Dictionary<string, string> { ["W2S_FEATURE_CACHE"] = cache };
    string[] common = ["run", "--weak", "bow", "--strong", "minilm-l6", "--threads", $"{threads}", "--out", runsDir, "--force", "--json"];
    Log("w2s run (bow -> minilm-l6, default task)");
    double full = CliWork.Seconds(cli, common, env);
    Log("w2s run --linear-probe, cold cache");
    double probeCold = CliWork.Seconds(cli, [.. common, "--linear-probe"], env);
    int filesCold = Directory.Exists(cache) ? Directory.EnumerateFiles(cache, "*.f32", SearchOption.AllDirectories).Count() : 0;
    Log("w2s run --linear-probe, warm cache");
    double probeWarm = CliWork.Seconds(cli, [.. common, "--linear-probe"], env);
    int filesWarm = Directory.Exists(cache) ? Directory.EnumerateFiles(cache, "*.f32", SearchOption.AllDirectories).Count() : 0;
    results["w2s_run_seconds"] = new JsonObject
    {
        ["full_finetune"] = full, ["linear_probe_cold_cache"] = probeCold, ["linear_probe_warm_cache"] = probeWarm,
        ["feature_files_after_cold"] = filesCold, ["feature_files_after_warm"] = filesWarm,
    };
}
results["load_average_end"] = Measure.LoadAverage();

string resultsFile = Path.Combine(outDir, "results.json");
var merged = Report.Merge(File.Exists(resultsFile) ? JsonNode.Parse(File.ReadAllText(resultsFile))!.AsObject() : null, results);
WeakToStrong.Results.AtomicFile.WriteAllText(resultsFile, merged.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
WeakToStrong.Results.AtomicFile.WriteAllText(Path.Combine(outDir, "RESULTS.md"), Report.Markdown(merged));
Console.WriteLine(File.ReadAllText(Path.Combine(outDir, "RESULTS.md")));
Directory.Delete(work, recursive: true);

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "WeakToStrong.slnx"))) return dir.FullName;
    throw new DirectoryNotFoundException("run the benchmark from inside the repository");
}

static JsonArray Json(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
