using System.Runtime.CompilerServices;

namespace WeakToStrong.Tests;

internal static class TestEnvironment
{
    /// <summary>Tests use one torch thread: a second busy thread slows libtorch badly on a 2-core machine.</summary>
    [ModuleInitializer]
    internal static void OneTorchThread() => TorchSharp.torch.set_num_threads(1);
}
