using Microsoft.ML.OnnxRuntime;
using WeakToStrong.Models;

namespace WeakToStrong.Bench;

/// <summary>ONNX Runtime on the package's own model.onnx (the graph our weights come from), same ids, same thread count.</summary>
internal static class OrtWork
{
    public static double Infer(long[] ids, int batch, int seq, int threads, int warmup, int steps)
    {
        byte[] bytes;
        using (var stream = PretrainedEncoders.OpenResource(PretrainedEncoder.MiniLM, "model.onnx"))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads, InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(bytes, options);
        long[] shape = [batch, seq];
        var feeds = new Dictionary<string, long[]>
        {
            ["input_ids"] = ids, ["attention_mask"] = Enumerable.Repeat(1L, ids.Length).ToArray(), ["token_type_ids"] = new long[ids.Length],
        };
        var names = session.InputMetadata.Keys.ToList();
        var values = names.Select(n => OrtValue.CreateTensorValueFromMemory(feeds[n], shape)).ToList();
        using var run = new RunOptions();
        try
        {
            return Measure.SecondsPerRun(warmup, steps, () =>
            {
                using var results = session.Run(run, names, values, ["last_hidden_state"]);
            });
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }
}
