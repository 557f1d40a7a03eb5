using Microsoft.ML.Tokenizers;
using TorchSharp;
using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// A GPT-2 decoder with the linear head on the hidden state of the last real token, as the paper's public code
/// classifies with GPT-2 (a causal model has seen the whole input only there). Inputs are right-padded, so the causal mask
/// alone keeps padding out of every real token's state.
/// </summary>
public sealed class Gpt2Classifier : PooledClassifier
{
    private readonly Gpt2Model decoder;
    private int _truncated;

    public Gpt2Classifier(Gpt2Model decoder, Tokenizer tokenizer, int classes, int maxLength = 128)
        : base(nameof(Gpt2Classifier), decoder.Config.Embedding, classes)
    {
        if (maxLength < 1 || maxLength > decoder.Config.Positions) throw new ArgumentOutOfRangeException(nameof(maxLength));
        this.decoder = decoder;
        Tokenizer = tokenizer;
        MaxLength = maxLength;
        RegisterComponents();
    }

    public Gpt2Model Decoder => decoder;
    public Tokenizer Tokenizer { get; }
    public int MaxLength { get; }

    /// <summary>How many inputs Encode has truncated so far (thread-safe).</summary>
    public int TruncatedCount => Volatile.Read(ref _truncated);

    protected override nn.Module Body => decoder;

    public override ComputePrecision Precision { get => decoder.Precision; set => decoder.Precision = value; }

    public override LowPrecisionCasts? Casts => decoder.Casts;

    /// <summary>Byte-level BPE ids; a text pair is joined with a newline. Longer inputs keep their first MaxLength tokens.</summary>
    public override EncodedInput Encode(ModelInput input)
    {
        var text = input.TextPair is null ? input.Text : input.Text + "\n" + input.TextPair;
        var ids = Tokenizer.EncodeToIds(text).Select(i => (long)i).ToArray();
        if (ids.Length == 0) ids = [0]; // an empty text still needs one position to read the head from
        if (ids.Length > MaxLength)
        {
            Interlocked.Increment(ref _truncated);
            ids = ids[..MaxLength];
        }
        return new EncodedInput(ids, new long[ids.Length]);
    }

    /// <summary>Hidden state of each input's last token [B, E].</summary>
    public override Tensor Embed(IReadOnlyList<EncodedInput> batch)
    {
        using var scope = NewDisposeScope();
        var (ids, _, mask) = BertClassifier.Pad(batch, 0);
        var hidden = decoder.forward(ids);
        var last = (mask.sum(1) - 1).view(-1, 1, 1).expand(-1, 1, hidden.shape[2]);
        return hidden.gather(1, last).squeeze(1).MoveToOuterDisposeScope();
    }
}
