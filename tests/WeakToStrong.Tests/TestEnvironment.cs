using System.Runtime.CompilerServices;

namespace WeakToStrong.Tests;

internal static class TestEnvironment
{
    /// <summary>
    /// Tests use one torch thread (a second busy thread slows libtorch badly on a 2-core machine), and libtorch is set up
    /// as w2s sets it up, before any matmul: on an AMD CPU with AVX-512 that is where oneMKL's AVX-512 kernels, and with
    /// them the bf16 linear layers on oneMKL's GEMM, get chosen.
    /// </summary>
    [ModuleInitializer]
    internal static void OneTorchThread() => WeakToStrong.Training.TorchRuntime.Initialize(threads: 1);

    /// <summary>Linux on x64, where libtorch links oneMKL and exports its entry points.</summary>
    internal static bool LinuxX64 =>
        OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64;

    /// <summary>The repository root (the folder of WeakToStrong.slnx), or the test assembly's folder when run outside it.</summary>
    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "WeakToStrong.slnx"))) return d.FullName;
        return AppContext.BaseDirectory;
    }
}
