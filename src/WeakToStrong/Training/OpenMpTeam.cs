using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace WeakToStrong.Training;

/// <summary>
/// Runs work of our own on libtorch's OpenMP threads. Between its parallel ops libtorch's OpenMP workers spin, waiting for
/// the next one; .NET threads started meanwhile compete with them for the cores, which on the 2-core machine doubled the
/// time of the bf16 attention's per-head loop. Entering an OpenMP parallel region of libtorch's own libgomp hands the
/// work to those very threads.
/// </summary>
internal static unsafe class OpenMpTeam
{
    private static readonly delegate* unmanaged[Cdecl]<delegate* unmanaged[Cdecl]<void*, void>, void*, uint, uint, void> Parallel;
    private static readonly delegate* unmanaged[Cdecl]<int> ThreadNumber;

    static OpenMpTeam()
    {
        // libtorch's pip-style builds ship libgomp under a hashed name (libgomp-<hash>.so.1) and load it with
        // libtorch_cpu.so; a build linked against the system's loads libgomp.so.1.
        var path = MklKernels.LoadedLibraryPath("libgomp-") ?? MklKernels.LoadedLibraryPath("libgomp.so");
        if (path is null || !NativeLibrary.TryLoad(path, out var library)) return;
        if (NativeLibrary.TryGetExport(library, "GOMP_parallel", out var parallel) && NativeLibrary.TryGetExport(library, "omp_get_thread_num", out var number))
        {
            Parallel = (delegate* unmanaged[Cdecl]<delegate* unmanaged[Cdecl]<void*, void>, void*, uint, uint, void>)parallel;
            ThreadNumber = (delegate* unmanaged[Cdecl]<int>)number;
        }
    }

    /// <summary>
    /// Calls <paramref name="work"/>(i) for i in [0, threads), each on its own thread of libtorch's OpenMP team, and returns
    /// when all are done; rethrows the first exception. One thread, or no libgomp found: the calls run in turn on this thread.
    /// </summary>
    public static void Run(int threads, Action<int> work)
    {
        if (threads <= 1 || Parallel == null)
        {
            for (int i = 0; i < threads; i++) work(i);
            return;
        }
        var job = new Job(work, threads);
        var handle = GCHandle.Alloc(job);
        try { Parallel(&Enter, (void*)GCHandle.ToIntPtr(handle), (uint)threads, 0); }
        finally { handle.Free(); }
        if (job.Error is { } error) ExceptionDispatchInfo.Throw(error);
        // OpenMP may give a region fewer threads than asked for (e.g. nested inside another): run what no thread took.
        for (int i = 0; i < threads; i++) if (!job.Done[i]) work(i);
    }

    private sealed class Job(Action<int> work, int threads)
    {
        public readonly Action<int> Work = work;
        public readonly bool[] Done = new bool[threads];
        public Exception? Error;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Enter(void* data)
    {
        var job = (Job)GCHandle.FromIntPtr((nint)data).Target!;
        int i = ThreadNumber();
        if (i >= job.Done.Length) return;
        try { job.Work(i); job.Done[i] = true; }
        catch (Exception e) { Interlocked.CompareExchange(ref job.Error, e, null); job.Done[i] = true; }
    }
}
