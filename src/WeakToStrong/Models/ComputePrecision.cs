namespace WeakToStrong.Models;

/// <summary>
/// The dtype of a transformer's matmuls. Weights, LayerNorms, the loss and the optimizer always stay float32 ("master
/// weights"); BFloat16 casts activations and weights to bf16 just for the linear layers and attention, which this CPU runs
/// about twice as fast (AVX512-BF16). TorchSharp has no autocast, so the modules do the casting themselves.
/// </summary>
public enum ComputePrecision
{
    Float32,
    BFloat16,
}
