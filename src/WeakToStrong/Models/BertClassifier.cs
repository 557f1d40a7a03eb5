using TorchSharp;
using TorchSharp.Modules;
using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// A pretrained BERT encoder, mean pooling over real tokens (MiniLM is trained as a mean-pooled sentence model) and a
/// bias-free linear head that starts at zero, as the reference weak-to-strong code does (all classes equal at step 0).
/// </summary>
public sealed class BertClassifier : Classifier
{
    private readonly BertEncoder encoder;
    private readonly Linear head;
    private readonly int _classes;
    private int _truncated;

    public BertClassifier(BertEncoder encoder, WordPieceTokenizer tokenizer, int classes, int maxLength = 128)
        : base(nameof(BertClassifier))
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes));
        if (maxLength > encoder.Config.MaxPositions) throw new ArgumentOutOfRangeException(nameof(maxLength));
        this.encoder = encoder;
        Tokenizer = tokenizer;
        MaxLength = maxLength;
        _classes = classes;
        head = nn.Linear(encoder.Config.Hidden, classes, hasBias: false);
        using (no_grad()) head.weight!.zero_();
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

    public override int Classes => _classes;
    public int MaxLength { get; }
    public BertEncoder Encoder => encoder;
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>How many inputs Encode has truncated so far (thread-safe).</summary>
    public int TruncatedCount => Volatile.Read(ref _truncated);

    public long ParameterCount => parameters().Sum(p => p.numel());
    public long TrainableParameterCount => parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    public override EncodedInput Encode(TextInput input)
    {
        var encoding = Tokenizer.Encode(input.Text, input.TextPair, MaxLength);
        if (encoding.Truncated) Interlocked.Increment(ref _truncated);
        return encoding.ToEncodedInput();
    }

    public override Tensor Logits(IReadOnlyList<EncodedInput> batch)
    {
        using var scope = NewDisposeScope();
        return head.forward(Embed(batch)).MoveToOuterDisposeScope();
    }

    /// <summary>Mean-pooled sentence embeddings [B, H] (the encoder's output averaged over non-padding tokens).</summary>
    public Tensor Embed(IReadOnlyList<EncodedInput> batch)
    {
        using var scope = NewDisposeScope();
        var (ids, types, mask) = Pad(batch, Tokenizer.PadId, head.weight!.device);
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

    /// <summary>Linear-probe mode: the encoder is frozen and only the head trains.</summary>
    public override void FreezeBody()
    {
        foreach (var p in encoder.parameters()) p.requires_grad = false;
    }
}
