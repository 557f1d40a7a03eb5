using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace WeakToStrong.Training;

/// <summary>
/// Lets oneMKL, which libtorch links in for float32 matmuls, use its AVX-512 kernels on AMD CPUs. oneMKL chooses kernels by
/// CPU features only when its vendor check says GenuineIntel; elsewhere it runs AVX2 kernels. On an AMD EPYC with full-width
/// AVX-512 that capped float32 matmuls at about 180 GFLOP/s, against 400 with the AVX-512 kernels (docs/performance.md); no
/// environment variable of current oneMKL changes it. So, before the first MKL call, the cached answer of the vendor check
/// (a static int inside libtorch_cpu.so, read by the first instruction of its exported `mkl_serv_intel_cpu_true`) is set
/// to 1. The code's shape is verified first; any mismatch leaves oneMKL alone. Only on AMD CPUs with AVX-512F;
/// W2S_MKL_TUNING (any value) turns it off. The bf16 linear layers use oneMKL's bf16 GEMM only where this took effect
/// (<see cref="Models.MklBf16Gemm"/>): with oneMKL's own choice that GEMM ran 5x slower than libtorch's.
/// </summary>
internal static class MklKernels
{
    private const string Marker = "W2S_MKL_TUNING";
    private static readonly object Gate = new();

    /// <summary>What was done, for logs and benchmarks: "avx512 (vendor check set on AMD)" or why not.</summary>
    public static string Status { get; private set; } = "not tried";

    /// <summary>True once the vendor check is set, so that oneMKL runs its AVX-512 kernels on this AMD CPU.</summary>
    public static bool Avx512OnAmd => Status == Applied;

    private const string Applied = "avx512 (vendor check set on AMD)";

    /// <summary>Call once libtorch is loaded and before any matmul ran; later calls do nothing.</summary>
    internal static void UseAvx512OnAmd()
    {
        lock (Gate)
        {
            if (Status != "not tried") return;
            Status = TryApply();
        }
    }

    private static string TryApply()
    {
        if (Environment.GetEnvironmentVariable(Marker) is not null) return $"oneMKL's own choice ({Marker} set)";
        if (!OperatingSystem.IsLinux() || !X86Base.IsSupported) return "oneMKL's own choice (not Linux x64)";
        if (Vendor() != "AuthenticAMD" || !Avx512F.IsSupported) return "oneMKL's own choice (not an AMD CPU with AVX-512)";

        var mappings = Mappings();
        var library = LibTorchCpu(mappings);
        if (library.Path is null || !NativeLibrary.TryLoad(library.Path, out var handle)) return "oneMKL's own choice (libtorch_cpu.so not loaded)";
        try
        {
            if (!NativeLibrary.TryGetExport(handle, "mkl_serv_intel_cpu_true", out var function)) return "oneMKL's own choice (no oneMKL in libtorch)";
            // Expected: mov eax, [rip + disp32]; test eax, eax; js (compute and cache). Anything else: leave it.
            var code = new byte[9];
            Marshal.Copy(function, code, 0, code.Length);
            if (code[0] != 0x8B || code[1] != 0x05 || code[6] != 0x85 || code[7] != 0xC0 || code[8] != 0x78)
                return "oneMKL's own choice (unrecognised vendor check)";
            nint cached = function + 6 + BitConverter.ToInt32(code, 2);
            if (!mappings.Any(m => m.Path == library.Path && m.Writable && m.Start <= cached && cached + 4 <= m.End))
                return "oneMKL's own choice (vendor cache not in the library's data)";
            if (Marshal.ReadInt32(cached) >= 0) return "oneMKL's own choice (vendor check ran before this call)";
            Marshal.WriteInt32(cached, 1);
            return Applied;
        }
        finally { NativeLibrary.Free(handle); }
    }

    /// <summary>The CPUID vendor string, e.g. GenuineIntel or AuthenticAMD.</summary>
    internal static string Vendor()
    {
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<int> parts = [ebx, edx, ecx];
        return System.Text.Encoding.ASCII.GetString(MemoryMarshal.AsBytes(parts));
    }

    /// <summary>The path of the libtorch_cpu.so this process loaded; null when none is (or not on Linux).</summary>
    internal static string? LibTorchCpuPath() => OperatingSystem.IsLinux() ? LibTorchCpu(Mappings()).Path : null;

    /// <summary>The address of a function libtorch_cpu.so exports (the oneMKL entry points linked into it); null if none.</summary>
    internal static nint? LibTorchExport(string name) =>
        LibTorchCpuPath() is { } path && NativeLibrary.TryLoad(path, out var library) && NativeLibrary.TryGetExport(library, name, out var export)
            ? export
            : null;

    /// <summary>
    /// Sets oneMKL's thread count for calls from this thread (0: the process-wide count again) and returns the previous
    /// value; returns 0 and does nothing where libtorch exports no such entry (<see cref="CanSetThreadsOnThisThread"/>).
    /// For work that is already split over threads, or too small to share: outside libtorch's parallel regions, and inside
    /// an OpenMP region of its own, oneMKL would otherwise start threads for every call.
    /// </summary>
    internal static int ThreadsOnThisThread(int threads) => SetLocalThreads.Value is { } set ? set(ref threads) : 0;

    internal static bool CanSetThreadsOnThisThread => SetLocalThreads.Value is not null;

    // libtorch_cpu.so exports oneMKL's thread-local count only as the Fortran-style MKL_SET_NUM_THREADS_LOCAL(&n) (every
    // alias has that entry: passing n by value crashes).
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetLocalThreadsFunction(ref int threads);

    private static readonly Lazy<SetLocalThreadsFunction?> SetLocalThreads = new(() =>
        LibTorchExport("MKL_SET_NUM_THREADS_LOCAL") is { } export ? Marshal.GetDelegateForFunctionPointer<SetLocalThreadsFunction>(export) : null);

    /// <summary>The path of a shared library this process loaded whose file name starts with the prefix (e.g. libtorch's own libgomp); null if none.</summary>
    internal static string? LoadedLibraryPath(string fileNamePrefix) => OperatingSystem.IsLinux()
        ? Mappings().Select(m => m.Path).FirstOrDefault(p => Path.GetFileName(p).StartsWith(fileNamePrefix, StringComparison.Ordinal))
        : null;

    private static Mapping LibTorchCpu(List<Mapping> mappings) =>
        mappings.FirstOrDefault(m => m.Path.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal));

    private readonly record struct Mapping(nint Start, nint End, bool Writable, string Path);

    private static List<Mapping> Mappings()
    {
        var result = new List<Mapping>();
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                // start-end perms offset dev inode path
                var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 6) continue;
                var range = fields[0].Split('-');
                result.Add(new Mapping((nint)Convert.ToInt64(range[0], 16), (nint)Convert.ToInt64(range[1], 16), fields[1][1] == 'w', fields[5].Trim()));
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return result;
    }
}
