using TorchSharp;
using TorchSharp.Modules;
using WeakToStrong.Data;
using WeakToStrong.Models;
using static TorchSharp.torch;

namespace WeakToStrong.Training;

/// <summary>Settings of unsupervised finetuning on the task's own texts before supervised training.</summary>
internal sealed record GenerativeConfig(int Epochs = 1, double LearningRate = 5e-5, double MaskRate = 0.15, int BatchSize = 32, int Seed = 0);

/// <summary>
/// The paper's generative finetuning for encoders: masked language modelling on the task's unlabelled texts. BERT's
/// recipe: 15% of the non-special tokens are chosen; 80% of those become [MASK], 10% a random token, 10% stay; the
/// model predicts the originals through a transform (dense, GELU, LayerNorm) and an output layer tied to the token
/// embeddings. The MLM head is thrown away afterwards; only the encoder's new weights are kept.
/// </summary>
internal static class GenerativeFinetuning
{
    public static TrainSummary Run(BertClassifier model, IReadOnlyList<ModelInput> texts, GenerativeConfig config,
        IProgress<StageProgress>? progress = null)
    {
        if (texts.Count == 0) throw new ArgumentException("generative finetuning needs texts");
        var encoder = model.Encoder;
        var tokenizer = model.Tokenizer;
        int hidden = encoder.Config.Hidden, vocab = encoder.Config.VocabSize;
        manual_seed(config.Seed);
        using var head = new MaskedLmHead(hidden, vocab, encoder.Config.LayerNormEps);
        var parameters = encoder.parameters().Concat(head.parameters()).Where(p => p.requires_grad).ToList();
        using var optimizer = new Adam(parameters, config.LearningRate);
        var encoded = EncodingCache.Encode(model, texts);
        var rng = new Random(config.Seed);
        int stepsPerEpoch = (texts.Count + config.BatchSize - 1) / config.BatchSize, total = stepsPerEpoch * config.Epochs, step = 0;
        double lastLoss = double.NaN;
        var start = DateTime.UtcNow;
        encoder.eval();
        for (int epoch = 0; epoch < config.Epochs; epoch++)
        {
            var order = Enumerable.Range(0, texts.Count).ToArray();
            rng.Shuffle(order);
            foreach (var chunk in order.Chunk(config.BatchSize))
            {
                using var scope = NewDisposeScope();
                var batch = chunk.Select(i => encoded[i]).ToList();
                var (ids, types, mask) = BertClassifier.Pad(batch, tokenizer.PadId);
                var (inputs, positions, targets) = Corrupt(ids, tokenizer, rng, config.MaskRate);
                if (positions.Length == 0) { step++; continue; }
                optimizer.LearningRate = config.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / total));
                optimizer.ZeroGrad();
                var states = encoder.forward(inputs, types, mask).reshape(-1, hidden).index_select(0, tensor(positions));
                var logits = head.forward(states, encoder.WordEmbeddings);
                var loss = nn.functional.cross_entropy(logits, tensor(targets));
                loss.backward();
                optimizer.Step();
                lastLoss = loss.item<float>();
                step++;
                progress?.Report(new StageProgress("masked-LM finetuning", step, total, lastLoss));
            }
        }
        return new TrainSummary(total, texts.Count, lastLoss, (DateTime.UtcNow - start).TotalSeconds);
    }

    /// <summary>Chooses positions to predict and corrupts the inputs there. Positions index the flattened [B*T] batch.</summary>
    internal static (Tensor Inputs, long[] Positions, long[] Targets) Corrupt(Tensor ids, WordPieceTokenizer tokenizer, Random rng, double rate)
    {
        var flat = ids.data<long>().ToArray();
        var positions = new List<long>();
        var targets = new List<long>();
        for (int i = 0; i < flat.Length; i++)
        {
            long id = flat[i];
            if (id == tokenizer.PadId || id == tokenizer.ClsId || id == tokenizer.SepId || rng.NextDouble() >= rate) continue;
            positions.Add(i);
            targets.Add(id);
            double r = rng.NextDouble();
            if (r < 0.8) flat[i] = tokenizer.MaskId;
            else if (r < 0.9) flat[i] = rng.Next(tokenizer.VocabSize);
        }
        return (tensor(flat, ids.shape), positions.ToArray(), targets.ToArray());
    }

    private sealed class MaskedLmHead : nn.Module
    {
        private readonly Linear dense;
        private readonly LayerNorm norm;
        private readonly Parameter bias;

        public MaskedLmHead(int hidden, int vocab, double eps) : base("mlm_head")
        {
            dense = nn.Linear(hidden, hidden);
            norm = nn.LayerNorm(hidden, eps);
            bias = nn.Parameter(zeros(vocab));
            RegisterComponents();
        }

        public Tensor forward(Tensor states, Tensor wordEmbeddings) =>
            nn.functional.linear(norm.forward(nn.functional.gelu(dense.forward(states))), wordEmbeddings, bias);
    }
}
