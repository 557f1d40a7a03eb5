using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace WeakToStrong.Training;

/// <summary>
/// libtorch's float32 square root, bit for bit, on plain memory and from any thread, so that Adam can take √v inside its
/// own pass. libtorch's sqrt is not IEEE √ everywhere: with oneMKL it is oneMKL's vsSqrt, which differs from the correctly
/// rounded root in about 0.6% of values. libtorch_cpu.so exports vsSqrt; it is called directly once a probe shows that it
/// gives what libtorch's sqrt gives. Otherwise (another libtorch build) each call goes through a libtorch tensor.
/// Called outside libtorch's parallel regions, oneMKL would start threads of its own for every call (1,400 calls on 16,384
/// values took 10-28 ms that way, 2.3 ms on the calling thread alone), so each call runs with oneMKL on the calling thread.
/// </summary>
internal static class LibTorchSqrt
{
    // vsSqrt(n, a, r): r[i] = √a[i]; a and r may be the same array.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void VsSqrtFunction(int n, ref float a, ref float r);

    private static readonly VsSqrtFunction? Mkl = Resolve();

    /// <summary>True when calls go straight to oneMKL's vsSqrt rather than through a libtorch tensor.</summary>
    public static bool Direct => Mkl is not null;

    public static void InPlace(Span<float> values)
    {
        if (values.IsEmpty) return;
        if (Mkl is not { } sqrt)
        {
            ViaTensor(values);
            return;
        }
        int previous = MklKernels.ThreadsOnThisThread(1);
        try { sqrt(values.Length, ref MemoryMarshal.GetReference(values), ref MemoryMarshal.GetReference(values)); }
        finally { MklKernels.ThreadsOnThisThread(previous); }
    }

    /// <summary>The way every libtorch build takes: a tensor's sqrt_.</summary>
    internal static void ViaTensor(Span<float> values)
    {
        using var t = tensor(values.ToArray());
        t.sqrt_();
        t.data<float>().CopyTo(values);
    }

    private static VsSqrtFunction? Resolve()
    {
        try
        {
            if (MklKernels.LibTorchExport("vsSqrt") is not { } sqrtExport || !MklKernels.CanSetThreadsOnThisThread) return null;
            var sqrt = Marshal.GetDelegateForFunctionPointer<VsSqrtFunction>(sqrtExport);
            // Random positive normal floats: about 25 of 4,096 roots differ between vsSqrt and IEEE √, so a libtorch whose
            // sqrt is not vsSqrt fails the comparison.
            var random = new Random(17);
            var direct = Enumerable.Range(0, 4096).Select(_ => BitConverter.Int32BitsToSingle(random.Next(0x00800000, 0x7F800000))).ToArray();
            var expected = direct.ToArray();
            ViaTensor(expected);
            sqrt(direct.Length, ref direct[0], ref direct[0]);
            return direct.AsSpan().SequenceEqual(expected) ? sqrt : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or IOException)
        {
            return null;
        }
    }
}
