using System.Diagnostics;
using WeakToStrong.Losses;
using WeakToStrong.Models;
using static TorchSharp.torch;

namespace WeakToStrong.Bench;

/// <summary>Our code on the benchmark's work: the real BertClassifier.Logits path, SoftCrossEntropy and Adam, as Trainer runs them.</summary>
internal static class OursWork
{
    public sealed record TrainTiming(double SecondsPerStep, double Forward, double Backward, double Optimizer);

    public static TrainTiming Train(IReadOnlyList<EncodedInput> batch, ComputePrecision precision, int warmup, int steps)
    {
        using var model = BertClassifier.MiniLM(6, 2);
        model.Precision = precision;
        model.eval(); // no dropout, as the protocol trains
        var optimizer = optim.Adam(model.parameters(), lr: 5e-5);
        var targets = tensor(Enumerable.Repeat(new[] { 0.3f, 0.7f }, batch.Count).SelectMany(x => x).ToArray(), [batch.Count, 2]);
        double forward = 0, backward = 0, step = 0;
        var clock = new Stopwatch();
        void Step(bool record)
        {
            using var scope = NewDisposeScope();
            clock.Restart();
            optimizer.zero_grad();
            var loss = SoftCrossEntropy.Of(model.Logits(batch), targets);
            double f = clock.Elapsed.TotalSeconds;
            loss.backward();
            double b = clock.Elapsed.TotalSeconds;
            optimizer.step();
            double s = clock.Elapsed.TotalSeconds;
            if (record) { forward += f; backward += b - f; step += s - b; }
        }
        for (int i = 0; i < warmup; i++) Step(false);
        for (int i = 0; i < steps; i++) Step(true);
        return new TrainTiming((forward + backward + step) / steps, forward / steps, backward / steps, step / steps);
    }

    public static double Infer(IReadOnlyList<EncodedInput> batch, ComputePrecision precision, int warmup, int steps)
    {
        using var model = BertClassifier.MiniLM(6, 2);
        model.Precision = precision;
        model.eval();
        using var _ = no_grad();
        return Measure.SecondsPerRun(warmup, steps, () =>
        {
            using var scope = NewDisposeScope();
            model.Logits(batch);
        });
    }

    /// <summary>Mean-pooled embedding of the first input (compared with the PyTorch peer's, to prove both run the same model).</summary>
    public static float[] PooledFirstRow(IReadOnlyList<EncodedInput> batch)
    {
        using var model = BertClassifier.MiniLM(6, 2);
        using var _ = no_grad();
        return model.Embed([batch[0]])[0].data<float>().ToArray();
    }

    /// <summary>Measured square-matmul rate in GFLOP/s for a dtype, with the current thread count.</summary>
    public static double MatmulGflops(ScalarType dtype, int n = 1024)
    {
        using var a = randn(n, n).to_type(dtype);
        using var b = randn(n, n).to_type(dtype);
        // As many runs as fit in ~1 s after one warm-up (a slow bf16 fallback must not take minutes).
        using (var warm = a.matmul(b)) { }
        var clock = Stopwatch.StartNew();
        int runs = 0;
        do { using var c = a.matmul(b); runs++; } while (clock.Elapsed.TotalSeconds < 1);
        return 2.0 * n * n * n * runs / clock.Elapsed.TotalSeconds / 1e9;
    }
}
