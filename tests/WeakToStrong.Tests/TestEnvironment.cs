using System.Runtime.CompilerServices;

namespace WeakToStrong.Tests;

internal static class TestEnvironment
{
    /// <summary>Tests use one torch thread: a second busy thread slows libtorch badly on a 2-core machine.</summary>
    [ModuleInitializer]
    internal static void OneTorchThread() => TorchSharp.torch.set_num_threads(1);

    /// <summary>The repository root (the folder of WeakToStrong.slnx), or the test assembly's folder when run outside it.</summary>
    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "WeakToStrong.slnx"))) return d.FullName;
        return AppContext.BaseDirectory;
    }
}
