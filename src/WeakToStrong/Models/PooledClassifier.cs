using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// A pretrained body that pools each input to one feature vector, and a bias-free linear head that starts at zero, as the
/// paper's public code does (all classes equal at step 0). When the body is frozen (linear probe) and a
/// <see cref="FeatureCache"/> is attached, features come from the cache and the body runs only for unseen inputs.
/// </summary>
public abstract class PooledClassifier : Classifier
{
    private readonly Linear head;
    private readonly int _classes;
    private string? _weightsHash;

    protected PooledClassifier(string name, int features, int classes) : base(name)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes));
        _classes = classes;
        head = nn.Linear(features, classes, hasBias: false);
        using (no_grad()) InPlace.Zero(head.weight!);
        // Registered by name: the derived class' RegisterComponents does not see a base class' private fields.
        register_module("head", head);
    }

    public override int Classes => _classes;

    /// <summary>The pretrained body (everything but the head).</summary>
    protected abstract nn.Module Body { get; }

    /// <summary>Pooled features [B, F] of a batch, computed by the body.</summary>
    public abstract Tensor Embed(IReadOnlyList<EncodedInput> batch);

    /// <summary>Where frozen-body features are cached (used only after FreezeBody).</summary>
    internal FeatureCache? Features { get; set; }

    public bool BodyFrozen { get; private set; }

    public long ParameterCount => parameters().Sum(p => p.numel());
    public long TrainableParameterCount => parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    public override Tensor Logits(IReadOnlyList<EncodedInput> batch)
    {
        using var scope = NewDisposeScope();
        var features = Features is not null && BodyFrozen ? Cached(batch) : Embed(batch);
        return head.forward(features).MoveToOuterDisposeScope();
    }

    /// <summary>Linear-probe mode: the body is frozen and only the head trains.</summary>
    public override void FreezeBody()
    {
        foreach (var p in Body.parameters()) p.requires_grad = false;
        BodyFrozen = true;
    }

    /// <summary>Computes the cache's missing features in length-sorted batches (little padding) before training or prediction.</summary>
    public override void Prepare(IReadOnlyList<EncodedInput> inputs)
    {
        if (Features is null || !BodyFrozen) return;
        var missing = inputs.Where(e => !Features.TryGet(ModelKey, e, out _)).DistinctBy(Key).OrderBy(e => e.Ids.Length).ToList();
        foreach (var chunk in missing.Chunk(64)) Compute(chunk);
    }

    /// <summary>Identifies the body's function: a hash of its weights, the pooling (class) and the matmul precision.</summary>
    public string ModelKey => $"{GetType().Name}/{Precision}/{_weightsHash ??= WeightsHash()}"; // a pass may change Precision

    private string WeightsHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, p) in Body.named_parameters())
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            using var data = p.detach().contiguous().to_type(ScalarType.Float32);
            hash.AppendData(MemoryMarshal.AsBytes(data.data<float>().ToArray().AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private Tensor Cached(IReadOnlyList<EncodedInput> batch)
    {
        var rows = new float[batch.Count][];
        var missing = new List<int>();
        for (int i = 0; i < batch.Count; i++)
            if (Features!.TryGet(ModelKey, batch[i], out var f)) rows[i] = f;
            else missing.Add(i);
        if (missing.Count > 0)
        {
            var computed = Compute(missing.Select(i => batch[i]).ToList());
            for (int j = 0; j < missing.Count; j++) rows[missing[j]] = computed[j];
        }
        int width = rows[0].Length;
        return tensor(rows.SelectMany(r => r).ToArray(), [batch.Count, width], device: head.weight!.device);
    }

    private float[][] Compute(IReadOnlyList<EncodedInput> batch)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var features = Embed(batch).to_type(ScalarType.Float32).cpu();
        int width = (int)features.shape[1];
        var flat = features.data<float>().ToArray();
        var rows = new float[batch.Count][];
        for (int i = 0; i < batch.Count; i++)
        {
            rows[i] = flat.AsSpan(i * width, width).ToArray();
            Features!.Put(ModelKey, batch[i], rows[i]);
        }
        return rows;
    }

    private static string Key(EncodedInput e) => string.Join(',', e.Ids) + "|" + string.Join(',', e.TypeIds);
}
