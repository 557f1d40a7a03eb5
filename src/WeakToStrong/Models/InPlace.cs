using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// In-place writes that keep their tensors alive. TorchSharp's <c>copy_</c> and <c>zero_</c> pass the handles to libtorch
/// and return a new wrapper, so nothing references the target or the source during the native call; a temporary wrapper
/// (a module's <c>weight</c> getter makes a new one each call) can then be finalized mid-call, and libtorch reads freed
/// memory (two crashes in autograd's <c>bump_version</c> while loading fitted weights). These helpers hold both until the
/// call returns. The returned wrapper is left alone: it can share the target's native handle.
/// </summary>
internal static class InPlace
{
    public static void Copy(Tensor target, Tensor source)
    {
        target.copy_(source);
        GC.KeepAlive(target);
        GC.KeepAlive(source);
    }

    public static void Zero(Tensor target)
    {
        target.zero_();
        GC.KeepAlive(target);
    }
}
