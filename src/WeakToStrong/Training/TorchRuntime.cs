using static TorchSharp.torch;

namespace WeakToStrong.Training;

/// <summary>Loads libtorch and sets its thread count, with a message that says what to do when it cannot be loaded.</summary>
public static class TorchRuntime
{
    public static void Initialize(int threads)
    {
        try
        {
            set_num_threads(Math.Max(1, threads));
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            throw new UserInputException("libtorch", $"could not be loaded ({Innermost(e).Message})",
                "Build with `dotnet build` (not a copy of another machine's bin folder): the build " +
                "patches libLibTorchSharp.so for system libstdc++ versions older than GLIBCXX_3.4.32 (build/LibTorchCompat.targets).", e);
        }
        MklKernels.UseAvx512OnAmd();
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
