using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// The low-precision (bf16) views of a transformer's matmul weights, shared by its layers. The parameters stay the float32
/// master weights; a view is a differentiable cast, so gradients flow through it into them. By default every forward casts
/// again. While a training run caches (<see cref="BeginCaching"/>), each weight is cast once and the view is reused by every
/// micro-batch's forward and backward until the trainer calls <see cref="Invalidate"/> after the optimizer step, as PyTorch's
/// autocast reuses its casts within a step. Layers on <see cref="Bf16Linear"/> take casts without a graph instead: that
/// function hands each master weight its gradient itself.
/// </summary>
public sealed class LowPrecisionCasts
{
    private readonly Dictionary<IntPtr, Tensor> _cache = new();
    private readonly Dictionary<IntPtr, Tensor> _values = new(); // casts without a graph, for Bf16Linear
    private int _caching; // nesting depth: a prediction pass inside a training run caches too

    public LowPrecisionCasts(ScalarType dtype) => DType = dtype;

    public ScalarType DType { get; }

    /// <summary>The weight (or bias) in <see cref="DType"/>.</summary>
    public Tensor Of(Tensor weight)
    {
        if (_caching == 0) return weight.to_type(DType);
        // A view cast under no_grad carries no graph: training needs one that leads back to the master weight.
        bool needsGraph = is_grad_enabled() && weight.requires_grad;
        if (_cache.TryGetValue(weight.Handle, out var cast) && (cast.requires_grad || !needsGraph)) return cast;
        cast?.Dispose();
        return _cache[weight.Handle] = weight.to_type(DType).DetachFromDisposeScope();
    }

    /// <summary>
    /// y = x·Wᵀ + b of a linear layer in <see cref="DType"/>, returned as <paramref name="output"/>. x may be float32. In bf16
    /// this is <see cref="Bf16Linear"/> where <see cref="MklBf16Gemm.Preferred"/>, otherwise libtorch's linear on the cast views.
    /// </summary>
    public Tensor Linear(Linear layer, Tensor x, ScalarType output)
    {
        if (DType == ScalarType.BFloat16 && MklBf16Gemm.Preferred)
            return Bf16Linear.Of(x, layer.weight!, layer.bias, Values(layer.weight!), output);
        return nn.functional.linear(x.to_type(DType), Of(layer.weight!), layer.bias is null ? null : Of(layer.bias)).to_type(output);
    }

    // The weight in DType, without a graph: cast once per optimizer step while caching.
    private Tensor Values(Tensor weight)
    {
        if (_caching > 0 && _values.TryGetValue(weight.Handle, out var cached)) return cached;
        Tensor cast;
        using (no_grad()) cast = weight.to_type(DType);
        if (_caching == 0) return cast;
        return _values[weight.Handle] = cast.DetachFromDisposeScope();
    }

    /// <summary>Reuse casts until <see cref="Invalidate"/>; disposing the outermost result stops caching and frees them.</summary>
    public IDisposable BeginCaching()
    {
        _caching++;
        return new Stop(this);
    }

    /// <summary>The master weights changed (an optimizer step, a loaded checkpoint): cast them again when next used.</summary>
    public void Invalidate()
    {
        foreach (var cast in _cache.Values.Concat(_values.Values)) cast.Dispose();
        _cache.Clear();
        _values.Clear();
    }

    private sealed class Stop(LowPrecisionCasts casts) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            if (--casts._caching == 0) casts.Invalidate();
        }
    }
}
