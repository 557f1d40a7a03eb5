using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using WeakToStrong.Data;
using WeakToStrong.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

public class BertEncoderTests(ITestOutputHelper output)
{
    // Different lengths (so the batch pads), symbols the tokenizer must keep, and one sentence pair.
    internal static readonly ModelInput[] Inputs =
    [
        ModelInput.Of("The quick brown fox jumps over the lazy dog."),
        ModelInput.Of("Great coffee."),
        ModelInput.Of("I paid $25 for this <3 and it broke after 2 days... never again!!! 1+1=2, a|b ~c ^_^"),
        ModelInput.Of("A man is playing a guitar.", "Someone plays music on an instrument."),
        ModelInput.Of("WIN a FREE cruise!! Click http://example.com/?id=42&ref=x now; offer ends 12/31. Café crème, naïve résumé."),
        ModelInput.Of("These dog treats arrived quickly and my two labradors absolutely love them; I will definitely " +
                     "order again, although the bag was smaller than I expected from the photos on the product page."),
    ];

    [Fact]
    public void MiniLmMatchesOnnxRuntime() => AssertParity(PretrainedEncoder.MiniLM);

    // An unpadded batch takes the encoder's no-mask attention path.
    [Fact]
    public void MiniLmMatchesOnnxRuntimeWithoutPadding() => AssertParity(PretrainedEncoder.MiniLM, [Inputs[2], Inputs[2]]);

    // ArcticXs stores every Linear weight under an anonymous name; parity proves the graph-based mapping.
    [Fact]
    public void ArcticXsMatchesOnnxRuntime() => AssertParity(PretrainedEncoder.ArcticXs);

    private void AssertParity(PretrainedEncoder model, ModelInput[]? inputs = null)
    {
        var clock = Stopwatch.StartNew();
        var (encoder, tokenizer) = PretrainedEncoders.Load(model);
        long loadMs = clock.ElapsedMilliseconds;
        var batch = (inputs ?? Inputs).Select(i => tokenizer.Encode(i.Text, i.TextPair).ToEncodedInput()).ToList();
        var (ids, types, mask) = BertClassifier.Pad(batch, tokenizer.PadId);
        long b = ids.shape[0], t = ids.shape[1], h = encoder.Config.Hidden;

        float[] ours;
        using (no_grad())
        using (var hidden = encoder.forward(ids, types, mask))
            ours = hidden.data<float>().ToArray();
        long oursMs = clock.ElapsedMilliseconds - loadMs;

        var reference = RunOnnx(model, ids.data<long>().ToArray(), types.data<long>().ToArray(),
            mask.data<long>().ToArray(), [b, t]);
        Assert.Equal(ours.Length, reference.Length);

        var maskValues = mask.data<long>().ToArray();
        double maxDiff = 0;
        for (int i = 0; i < b * t; i++)
        {
            if (maskValues[i] == 0) continue;
            for (long k = 0; k < h; k++) maxDiff = Math.Max(maxDiff, Math.Abs(ours[i * h + k] - reference[i * h + k]));
        }
        output.WriteLine($"{model}: batch {b}x{t}, max |ours - onnxruntime| over real tokens = {maxDiff:E2} " +
                         $"(load {loadMs} ms, forward {oursMs} ms)");
        Assert.True(maxDiff <= 1e-4, $"max abs diff {maxDiff}");
        Assert.Contains(ours, x => x != 0);
    }

    private static float[] RunOnnx(PretrainedEncoder model, long[] ids, long[] types, long[] mask, long[] shape)
    {
        byte[] bytes;
        using (var stream = PretrainedEncoders.OpenResource(model, "model.onnx"))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(bytes, options);
        var feeds = new Dictionary<string, long[]> { ["input_ids"] = ids, ["attention_mask"] = mask, ["token_type_ids"] = types };
        var names = session.InputMetadata.Keys.ToList();
        using var values = new DisposableList(names.Select(n => OrtValue.CreateTensorValueFromMemory(feeds[n], shape)));
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, names, values.Items, ["last_hidden_state"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private sealed class DisposableList(IEnumerable<OrtValue> items) : IDisposable
    {
        public IReadOnlyCollection<OrtValue> Items { get; } = items.ToList();
        public void Dispose() { foreach (var v in Items) v.Dispose(); }
    }
}
