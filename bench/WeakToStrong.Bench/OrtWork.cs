using Microsoft.ML.OnnxRuntime;
using WeakToStrong.Models;

namespace WeakToStrong.Bench;

/// <summary>ONNX Runtime on the package's own model.onnx (the graph our weights come from), same ids, same thread count.</summary>
internal sealed class OrtWork : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly List<string> _names;
    private readonly List<OrtValue> _values;
    private readonly RunOptions _run = new();

    public OrtWork(long[] ids, int batch, int seq, int threads)
    {
        byte[] bytes;
        using (var stream = PretrainedEncoders.OpenResource(PretrainedEncoder.MiniLM, "model.onnx"))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads, InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(bytes, _options);
        long[] shape = [batch, seq];
        var feeds = new Dictionary<string, long[]>
        {
            ["input_ids"] = ids, ["attention_mask"] = Enumerable.Repeat(1L, ids.Length).ToArray(), ["token_type_ids"] = new long[ids.Length],
        };
        _names = _session.InputMetadata.Keys.ToList();
        _values = _names.Select(n => OrtValue.CreateTensorValueFromMemory(feeds[n], shape)).ToList();
    }

    /// <summary>One forward pass of the whole batch.</summary>
    public void Run()
    {
        using var results = _session.Run(_run, _names, _values, ["last_hidden_state"]);
    }

    public void Dispose()
    {
        foreach (var v in _values) v.Dispose();
        _run.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
