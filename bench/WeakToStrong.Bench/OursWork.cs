using System.Diagnostics;
using WeakToStrong.Losses;
using WeakToStrong.Models;
using WeakToStrong.Training;
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
        using var optimizer = new Adam(model.parameters(), 5e-5);
        var targets = tensor(Enumerable.Repeat(new[] { 0.3f, 0.7f }, batch.Count).SelectMany(x => x).ToArray(), [batch.Count, 2]);
        // As Trainer does: bf16 weight views cast once per optimizer step.
        var casts = model.Casts;
        using var caching = casts?.BeginCaching();
        double forward = 0, backward = 0, step = 0;
        var clock = new Stopwatch();
        void Step(bool record)
        {
            using var scope = NewDisposeScope();
            clock.Restart();
            optimizer.ZeroGrad();
            var loss = SoftCrossEntropy.Of(model.Logits(batch), targets);
            double f = clock.Elapsed.TotalSeconds;
            loss.backward();
            double b = clock.Elapsed.TotalSeconds;
            optimizer.Step();
            casts?.Invalidate();
            double s = clock.Elapsed.TotalSeconds;
            if (record) { forward += f; backward += b - f; step += s - b; }
        }
        for (int i = 0; i < warmup; i++) Step(false);
        for (int i = 0; i < steps; i++) Step(true);
        return new TrainTiming((forward + backward + step) / steps, forward / steps, backward / steps, step / steps);
    }

    /// <summary>Mean-pooled embedding of the first input (compared with the PyTorch peer's, to prove both run the same model).</summary>
    public static float[] PooledFirstRow(IReadOnlyList<EncodedInput> batch)
    {
        using var model = BertClassifier.MiniLM(6, 2);
        using var _ = no_grad();
        return model.Embed([batch[0]])[0].data<float>().ToArray();
    }

    /// <summary>One forward pass of a batch, without autograd: the unit the inference comparison times.</summary>
    public static Action InferenceRun(BertClassifier model, IReadOnlyList<EncodedInput> batch) => () =>
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.Logits(batch);
    };

    /// <summary>
    /// The matmul rate in GFLOP/s for a dtype with the current thread count, per shape: the model's own GEMMs (4,096 tokens ×
    /// QKV, FFN in and FFN out, run as Linear runs them) and a 2048² square, each warmed up and timed in three windows (the
    /// best window counts). The best of them is the peak the report compares with; a single cold square matmul reads far
    /// below what the model's matmuls reach, and on AMX the square runs far above them.
    /// </summary>
    public static IReadOnlyList<(string Shape, double Gflops)> MatmulRates(ScalarType dtype)
    {
        (int Rows, int In, int Out)[] shapes = [(4096, 384, 1152), (4096, 384, 1536), (4096, 1536, 384), (2048, 2048, 2048)];
        var rates = new List<(string, double)>();
        foreach (var (rows, inputs, outputs) in shapes)
        {
            using var x = randn(rows, inputs).to_type(dtype);
            using var w = randn(outputs, inputs).to_type(dtype);
            double flops = 2.0 * rows * inputs * outputs, best = 0;
            var clock = Stopwatch.StartNew();
            using (var warm = nn.functional.linear(x, w)) { }
            // A slow bf16 reference path takes seconds per product: one timed run is then enough.
            bool slow = clock.Elapsed.TotalSeconds > 0.5;
            for (int window = 0; window < (slow ? 1 : 3); window++)
            {
                clock.Restart();
                int runs = 0;
                do { using var y = nn.functional.linear(x, w); runs++; } while (!slow && clock.Elapsed.TotalSeconds < 0.5);
                best = Math.Max(best, flops * runs / clock.Elapsed.TotalSeconds / 1e9);
            }
            rates.Add(($"{rows}x{inputs}x{outputs}", best));
        }
        return rates;
    }
}
