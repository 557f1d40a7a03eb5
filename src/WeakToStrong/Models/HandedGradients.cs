using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// Keeps the gradients a custom autograd function's backward returns (<see cref="Bf16Linear"/>, <see cref="Bf16Attention"/>)
/// alive until libtorch has taken them, which it does on return. A backward frees its own temporaries in a dispose scope
/// of its own (TorchSharp would otherwise leave them to the caller's scope, which a training step ends only after the whole
/// backward), and each call here frees the previous call's gradients.
/// </summary>
internal static class HandedGradients
{
    [ThreadStatic] private static List<Tensor>? _previous;

    public static void Release(List<Tensor> grads)
    {
        foreach (var t in _previous ?? []) t.Dispose();
        _previous = grads.Where(g => g is not null).Select(g => g.DetachFromDisposeScope()).ToList();
    }
}
