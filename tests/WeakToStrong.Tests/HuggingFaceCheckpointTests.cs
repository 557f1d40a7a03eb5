using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using WeakToStrong.Data;
using WeakToStrong.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

/// <summary>Bring-your-own checkpoints: tiny Hugging Face folders written here, loaded through ModelCatalog's hf: names.</summary>
public sealed class HuggingFaceCheckpointTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("w2s-hf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // ---------- BERT ----------

    private static readonly string[] TinyVocab =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "a", "dog", ".", "!", "##s", .. Enumerable.Range(0, 35).Select(i => $"w{i}")];

    private string WriteBertFolder(BertEncoder encoder, string prefix = "bert.")
    {
        var c = encoder.Config;
        File.WriteAllText(Path.Combine(_dir, "config.json"), new JsonObject
        {
            ["model_type"] = "bert", ["architectures"] = new JsonArray("BertForSequenceClassification"),
            ["vocab_size"] = c.VocabSize, ["hidden_size"] = c.Hidden, ["num_hidden_layers"] = c.Layers,
            ["num_attention_heads"] = c.Heads, ["intermediate_size"] = c.Intermediate, ["max_position_embeddings"] = c.MaxPositions,
            ["type_vocab_size"] = c.TypeVocabSize, ["layer_norm_eps"] = c.LayerNormEps, ["hidden_act"] = "gelu",
        }.ToJsonString());
        File.WriteAllLines(Path.Combine(_dir, "vocab.txt"), TinyVocab.Take(c.VocabSize));
        // A task model's state dict: the base model under "bert.", plus a classifier the loader must ignore.
        var state = encoder.ToHuggingFace().ToDictionary(kv => prefix + kv.Key, kv => kv.Value);
        state["classifier.weight"] = randn(2, c.Hidden);
        SafeTensors.Write(Path.Combine(_dir, "model.safetensors"), state);
        return _dir;
    }

    [Fact]
    public void BertSafetensorsRoundTripMatchesOurModuleExactly()
    {
        manual_seed(3);
        using var original = new BertEncoder(MixedPrecisionTests.Tiny);
        var folder = WriteBertFolder(original);

        var spec = ModelCatalog.Get("hf:" + folder);
        Assert.Equal(2, spec.Layers);
        using var loaded = (BertClassifier)spec.Create(2);
        var batch = new[] { ModelInput.Of("the cat sat on the mat."), ModelInput.Of("a dog!") }.Select(loaded.Encode).ToList();
        Assert.Equal([2, 5, 6, 7, 8, 5, 9, 12, 3], batch[0].Ids);
        var (ids, types, mask) = BertClassifier.Pad(batch, 0);
        using var _ = no_grad();
        original.eval();
        Assert.Equal(0f, (original.forward(ids, types, mask) - loaded.Encoder.forward(ids, types, mask)).abs().max().item<float>());
    }

    [Fact]
    public void BertPytorchBinLoads()
    {
        manual_seed(4);
        using var original = new BertEncoder(MixedPrecisionTests.Tiny);
        var folder = WriteBertFolder(original);
        // Replace the safetensors file by a torch.save-format zip written by TorchSharp.PyBridge (python3-torch is not
        // required here; PyBridge's pickler writes the same format torch.save does).
        var state = SafeTensors.Read(Path.Combine(folder, "model.safetensors"));
        File.Delete(Path.Combine(folder, "model.safetensors"));
        using (var stream = File.Create(Path.Combine(folder, "pytorch_model.bin")))
            TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(stream, state.ToDictionary(kv => kv.Key, kv => kv.Value));
        var (loaded, _) = HuggingFaceCheckpoint.LoadBert(folder);
        var ids = tensor(new long[] { 2, 5, 6, 3 }, [1, 4]);
        using var __ = no_grad();
        original.eval();
        Assert.Equal(0f, (original.forward(ids, zeros_like(ids), ones_like(ids)) - loaded.forward(ids, zeros_like(ids), ones_like(ids))).abs().max().item<float>());
    }

    [Fact]
    public void MiniLmExportedToSafetensorsMatchesOnnxRuntime()
    {
        // Our MiniLM (from the package's ONNX), exported with Hugging Face names, re-imported through hf:, run against
        // ONNX Runtime on the original model.onnx placed in a second folder (also loadable as hf: with its model.onnx).
        var (minilm, tokenizer) = PretrainedEncoders.Load(PretrainedEncoder.MiniLM);
        var c = minilm.Config;
        File.WriteAllText(Path.Combine(_dir, "config.json"), new JsonObject
        {
            ["model_type"] = "bert", ["vocab_size"] = c.VocabSize, ["hidden_size"] = c.Hidden, ["num_hidden_layers"] = c.Layers,
            ["num_attention_heads"] = c.Heads, ["intermediate_size"] = c.Intermediate, ["max_position_embeddings"] = c.MaxPositions,
        }.ToJsonString());
        using (var vocab = PretrainedEncoders.OpenResource(PretrainedEncoder.MiniLM, "vocab.txt"))
        using (var file = File.Create(Path.Combine(_dir, "vocab.txt"))) vocab.CopyTo(file);
        var onnxDir = Directory.CreateDirectory(Path.Combine(_dir, "onnx")).FullName;
        using (var model = PretrainedEncoders.OpenResource(PretrainedEncoder.MiniLM, "model.onnx"))
        using (var file = File.Create(Path.Combine(onnxDir, "model.onnx"))) model.CopyTo(file);
        File.Copy(Path.Combine(_dir, "config.json"), Path.Combine(onnxDir, "config.json"));
        File.Copy(Path.Combine(_dir, "vocab.txt"), Path.Combine(onnxDir, "vocab.txt"));
        SafeTensors.Write(Path.Combine(_dir, "model.safetensors"), minilm.ToHuggingFace());

        var (fromSafetensors, _) = HuggingFaceCheckpoint.LoadBert(_dir);
        var (fromOnnx, _) = HuggingFaceCheckpoint.LoadBert(onnxDir);
        var batch = BertEncoderTests.Inputs.Select(i => tokenizer.Encode(i.Text, i.TextPair).ToEncodedInput()).ToList();
        var (ids, types, mask) = BertClassifier.Pad(batch, tokenizer.PadId);
        float[] ours, viaOnnxFolder;
        using (no_grad())
        {
            ours = fromSafetensors.forward(ids, types, mask).data<float>().ToArray();
            viaOnnxFolder = fromOnnx.forward(ids, types, mask).data<float>().ToArray();
        }
        Assert.Equal(ours, viaOnnxFolder); // same weights through both file formats

        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(Path.Combine(onnxDir, "model.onnx"), options);
        long[] shape = [ids.shape[0], ids.shape[1]];
        var feeds = new Dictionary<string, long[]>
        {
            ["input_ids"] = ids.data<long>().ToArray(), ["attention_mask"] = mask.data<long>().ToArray(), ["token_type_ids"] = types.data<long>().ToArray(),
        };
        var names = session.InputMetadata.Keys.ToList();
        var values = names.Select(n => OrtValue.CreateTensorValueFromMemory(feeds[n], shape)).ToList();
        using var results = session.Run(new RunOptions(), names, values, ["last_hidden_state"]);
        var reference = results[0].GetTensorDataAsSpan<float>().ToArray();
        var m = mask.data<long>().ToArray();
        double maxDiff = 0;
        for (int i = 0; i < m.Length; i++)
            if (m[i] != 0)
                for (int k = 0; k < c.Hidden; k++) maxDiff = Math.Max(maxDiff, Math.Abs(ours[i * c.Hidden + k] - reference[i * c.Hidden + k]));
        foreach (var v in values) v.Dispose();
        output.WriteLine($"max |hf-safetensors - onnxruntime| = {maxDiff:E2}");
        Assert.True(maxDiff <= 1e-4, $"max abs diff {maxDiff}");
    }

    // ---------- GPT-2 ----------

    private static readonly Gpt2Config TinyGpt2 = new(VocabSize: 259, Embedding: 32, Layers: 2, Heads: 4, Positions: 16);

    /// <summary>GPT-2's byte → printable-character table: printable Latin-1 bytes stand for themselves, others map to 256+.</summary>
    private static char[] ByteChars()
    {
        var chars = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
            chars[b] = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174 ? (char)b : (char)next++;
        return chars;
    }

    private Dictionary<string, Tensor> WriteGpt2Folder(string prefix = "transformer.")
    {
        var c = TinyGpt2;
        var g = new Generator(11);
        Tensor R(params long[] shape) => randn(shape, generator: g) * 0.2;
        var state = new Dictionary<string, Tensor>
        {
            ["wte.weight"] = R(c.VocabSize, c.Embedding), ["wpe.weight"] = R(c.Positions, c.Embedding),
            ["ln_f.weight"] = 1 + R(c.Embedding), ["ln_f.bias"] = R(c.Embedding),
        };
        for (int i = 0; i < c.Layers; i++)
        {
            string p = $"h.{i}.";
            state[p + "ln_1.weight"] = 1 + R(c.Embedding); state[p + "ln_1.bias"] = R(c.Embedding);
            state[p + "attn.c_attn.weight"] = R(c.Embedding, 3 * c.Embedding); state[p + "attn.c_attn.bias"] = R(3 * c.Embedding);
            state[p + "attn.c_proj.weight"] = R(c.Embedding, c.Embedding); state[p + "attn.c_proj.bias"] = R(c.Embedding);
            state[p + "ln_2.weight"] = 1 + R(c.Embedding); state[p + "ln_2.bias"] = R(c.Embedding);
            state[p + "mlp.c_fc.weight"] = R(c.Embedding, 4 * c.Embedding); state[p + "mlp.c_fc.bias"] = R(4 * c.Embedding);
            state[p + "mlp.c_proj.weight"] = R(4 * c.Embedding, c.Embedding); state[p + "mlp.c_proj.bias"] = R(c.Embedding);
        }
        SafeTensors.Write(Path.Combine(_dir, "model.safetensors"), state.ToDictionary(kv => prefix + kv.Key, kv => kv.Value));
        File.WriteAllText(Path.Combine(_dir, "config.json"), new JsonObject
        {
            ["model_type"] = "gpt2", ["vocab_size"] = c.VocabSize, ["n_embd"] = c.Embedding, ["n_layer"] = c.Layers,
            ["n_head"] = c.Heads, ["n_positions"] = c.Positions, ["n_ctx"] = c.Positions, ["layer_norm_epsilon"] = 1e-5,
            ["activation_function"] = "gelu_new",
        }.ToJsonString());
        // Vocabulary: the 256 byte characters, two merges, and the end-of-text token.
        var chars = ByteChars();
        var vocab = new JsonObject();
        for (int b = 0; b < 256; b++) vocab[chars[b].ToString()] = b;
        vocab[chars[' '] + "t"] = 256;
        vocab["he"] = 257;
        vocab["<|endoftext|>"] = 258;
        File.WriteAllText(Path.Combine(_dir, "vocab.json"), vocab.ToJsonString());
        File.WriteAllText(Path.Combine(_dir, "merges.txt"), $"#version: 0.2\n{chars[' ']} t\nh e\n", new UTF8Encoding(false));
        return state;
    }

    /// <summary>GPT-2 written out with plain tensor ops from the raw state dict (no code shared with Gpt2Model).</summary>
    private static Tensor ReferenceGpt2(Dictionary<string, Tensor> w, long[] ids)
    {
        var c = TinyGpt2;
        int t = ids.Length, e = c.Embedding, heads = c.Heads, d = e / heads;
        Tensor Norm(Tensor x, string p)
        {
            var mean = x.mean([-1], keepdim: true);
            var variance = (x - mean).pow(2).mean([-1], keepdim: true);
            return (x - mean) / (variance + 1e-5).sqrt() * w[p + ".weight"] + w[p + ".bias"];
        }
        var x = w["wte.weight"].index_select(0, tensor(ids)) + w["wpe.weight"][TensorIndex.Slice(0, t)];
        var causal = ones(t, t).triu(1).to_type(ScalarType.Bool);
        for (int i = 0; i < c.Layers; i++)
        {
            string p = $"h.{i}.";
            var qkv = Norm(x, p + "ln_1").matmul(w[p + "attn.c_attn.weight"]) + w[p + "attn.c_attn.bias"];
            var heads_ = new List<Tensor>();
            for (int hh = 0; hh < heads; hh++)
            {
                var q = qkv[TensorIndex.Colon, TensorIndex.Slice(hh * d, (hh + 1) * d)];
                var k = qkv[TensorIndex.Colon, TensorIndex.Slice(e + hh * d, e + (hh + 1) * d)];
                var v = qkv[TensorIndex.Colon, TensorIndex.Slice(2 * e + hh * d, 2 * e + (hh + 1) * d)];
                var scores = q.matmul(k.t()) / Math.Sqrt(d);
                scores = scores.masked_fill(causal, double.NegativeInfinity);
                var probs = scores.exp() / scores.exp().sum(-1, keepdim: true);
                heads_.Add(probs.matmul(v));
            }
            x = x + cat(heads_.ToArray(), 1).matmul(w[p + "attn.c_proj.weight"]) + w[p + "attn.c_proj.bias"];
            var hidden = Norm(x, p + "ln_2").matmul(w[p + "mlp.c_fc.weight"]) + w[p + "mlp.c_fc.bias"];
            hidden = 0.5 * hidden * (1 + tanh(Math.Sqrt(2 / Math.PI) * (hidden + 0.044715 * hidden * hidden * hidden)));
            x = x + hidden.matmul(w[p + "mlp.c_proj.weight"]) + w[p + "mlp.c_proj.bias"];
        }
        return Norm(x, "ln_f");
    }

    [Fact]
    public void Gpt2MatchesAPlainReferenceAndHeadReadsTheLastRealToken()
    {
        var state = WriteGpt2Folder();
        using var model = (Gpt2Classifier)ModelCatalog.Get("hf:" + _dir).Create(2);
        var longer = model.Encode(ModelInput.Of("he tt he!"));
        var shorter = model.Encode(ModelInput.Of("the"));
        // Byte-level BPE with our two merges: "he" | " t" (Ġt), "t" | " " (Ġ), "he" | "!".
        Assert.Equal(new long[] { 257, 256, 116, 32, 257, 33 }, longer.Ids); // Ġ is byte 32's character
        Assert.Equal(new long[] { 116, 257 }, shorter.Ids);

        using var _ = no_grad();
        var hidden = model.Decoder.forward(tensor(longer.Ids, [1, longer.Ids.Length]))[0];
        var reference = ReferenceGpt2(state, longer.Ids);
        double diff = (hidden - reference).abs().max().item<float>();
        output.WriteLine($"max |Gpt2Model - plain reference| = {diff:E2}");
        Assert.True(diff < 1e-4, $"max diff {diff}");

        // The pooled feature is the last real token's state, unchanged by right padding in a batch.
        var pooled = model.Embed([longer, shorter]);
        var alone = model.Embed([shorter]);
        Assert.True((pooled[1] - alone[0]).abs().max().item<float>() < 1e-5);
        Assert.True((pooled[0] - reference[-1]).abs().max().item<float>() < 1e-4);
    }

    // ---------- errors ----------

    [Fact]
    public void ErrorsNameTheMissingFileTheArchitectureAndTheTensor()
    {
        var missing = Assert.Throws<UserInputException>(() => ModelCatalog.Get("hf:" + _dir));
        Assert.Contains("config.json", missing.Message);

        File.WriteAllText(Path.Combine(_dir, "config.json"), """{"model_type": "llama"}""");
        var unknown = Assert.Throws<UserInputException>(() => ModelCatalog.Get("hf:" + _dir));
        Assert.Contains("llama", unknown.Message);
        Assert.Contains("bert, gpt2", unknown.Message);

        manual_seed(5);
        using var encoder = new BertEncoder(MixedPrecisionTests.Tiny);
        WriteBertFolder(encoder, prefix: "");
        var state = SafeTensors.Read(Path.Combine(_dir, "model.safetensors"));
        state["encoder.layer.1.intermediate.dense.weight"] = zeros(65, 32);
        SafeTensors.Write(Path.Combine(_dir, "model.safetensors"), state);
        var shape = Assert.Throws<UserInputException>(() => HuggingFaceCheckpoint.LoadBert(_dir));
        Assert.Contains("encoder.layer.1.intermediate.dense.weight", shape.Message);
        Assert.Contains("[65, 32]", shape.Message);
        Assert.Contains("[64, 32]", shape.Message);

        File.Delete(Path.Combine(_dir, "model.safetensors"));
        var noWeights = Assert.Throws<UserInputException>(() => HuggingFaceCheckpoint.LoadBert(_dir));
        Assert.Contains("model.safetensors", noWeights.Message);
    }
}
