using TorchSharp;
using TorchSharp.Modules;
using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// A pretrained BERT encoder with mean pooling over real tokens (MiniLM is trained as a mean-pooled sentence model) and
/// the zero-initialised linear head of <see cref="PooledClassifier"/>.
/// </summary>
public sealed class BertClassifier : PooledClassifier
{
    private readonly BertEncoder encoder;
    private int _truncated;

    public BertClassifier(BertEncoder encoder, WordPieceTokenizer tokenizer, int classes, int maxLength = 128)
        : base(nameof(BertClassifier), encoder.Config.Hidden, classes)
    {
        if (maxLength > encoder.Config.MaxPositions) throw new ArgumentOutOfRangeException(nameof(maxLength));
        this.encoder = encoder;
        Tokenizer = tokenizer;
        MaxLength = maxLength;
        RegisterComponents();
    }

    public static BertClassifier MiniLM(int layers, int classes, int maxLength = 128) =>
        Create(PretrainedEncoder.MiniLM, layers, classes, maxLength);

    public static BertClassifier ArcticXs(int layers, int classes, int maxLength = 128) =>
        Create(PretrainedEncoder.ArcticXs, layers, classes, maxLength);

    public static BertClassifier Create(PretrainedEncoder model, int layers, int classes, int maxLength = 128)
    {
        var (encoder, tokenizer) = PretrainedEncoders.Load(model, layers);
        return new BertClassifier(encoder, tokenizer, classes, maxLength);
    }

    public int MaxLength { get; }
    public BertEncoder Encoder => encoder;
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>How many inputs Encode has truncated so far (thread-safe).</summary>
    public int TruncatedCount => Volatile.Read(ref _truncated);

    protected override nn.Module Body => encoder;

    public override EncodedInput Encode(ModelInput input)
    {
        var encoding = Tokenizer.Encode(input.Text, input.TextPair, MaxLength);
        if (encoding.Truncated) Interlocked.Increment(ref _truncated);
        return encoding.ToEncodedInput();
    }

    /// <summary>Mean-pooled sentence embeddings [B, H] (the encoder's output averaged over non-padding tokens).</summary>
    public override Tensor Embed(IReadOnlyList<EncodedInput> batch)
    {
        using var scope = NewDisposeScope();
        var (ids, types, mask) = Pad(batch, Tokenizer.PadId, encoder.WordEmbeddings.device);
        var hidden = encoder.forward(ids, types, mask);
        var m = mask.to_type(hidden.dtype).unsqueeze(-1);
        var pooled = (hidden * m).sum(1) / m.sum(1).clamp_min(1e-9);
        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>Pads a batch to its longest sequence: ids, type ids and attention mask, each [B, T] int64.</summary>
    public static (Tensor Ids, Tensor TypeIds, Tensor Mask) Pad(IReadOnlyList<EncodedInput> batch, long padId, Device? device = null)
    {
        if (batch.Count == 0) throw new ArgumentException("Empty batch.", nameof(batch));
        int b = batch.Count, t = batch.Max(e => e.Ids.Length);
        var ids = new long[b * t];
        var types = new long[b * t];
        var mask = new long[b * t];
        if (padId != 0) Array.Fill(ids, padId);
        for (int i = 0; i < b; i++)
        {
            var e = batch[i];
            e.Ids.CopyTo(ids, i * t);
            e.TypeIds.CopyTo(types, i * t);
            mask.AsSpan(i * t, e.Ids.Length).Fill(1);
        }
        long[] shape = [b, t];
        return (tensor(ids, shape, device: device), tensor(types, shape, device: device), tensor(mask, shape, device: device));
    }

    public override ComputePrecision Precision { get => encoder.Precision; set => encoder.Precision = value; }

    public override LowPrecisionCasts? Casts => encoder.Casts;
}
