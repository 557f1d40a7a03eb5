using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

/// <summary>Adam's √ must be libtorch's bit for bit, whichever way it is taken.</summary>
public class LibTorchSqrtTests
{
    /// <summary>Positive normal floats spread over the whole exponent range, seeded.</summary>
    private static float[] Operands(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => BitConverter.Int32BitsToSingle(random.Next(0x00800000, 0x7F800000))).ToArray();
    }

    private static float[] TorchSqrt(float[] values)
    {
        using var t = tensor(values);
        using var root = t.sqrt();
        return root.data<float>().ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16_384)]
    [InlineData(100_003)]
    public void BothWaysGiveLibTorchsSqrtBitForBit(int n)
    {
        var expected = TorchSqrt(Operands(n, n));
        var direct = Operands(n, n);
        LibTorchSqrt.InPlace(direct);
        Assert.Equal(expected, direct);
        var viaTensor = Operands(n, n);
        LibTorchSqrt.ViaTensor(viaTensor);
        Assert.Equal(expected, viaTensor);
    }

    [Fact]
    public void OnLinuxX64TheSqrtIsOneMklsCalledDirectly()
    {
        // What makes the comparisons above able to fail: on x64 libtorch's √ is oneMKL's, which differs from the
        // correctly rounded root here and there.
        if (TestEnvironment.LinuxX64)
        {
            var operands = Operands(100_003, 5);
            Assert.NotEqual(operands.Select(MathF.Sqrt).ToArray(), TorchSqrt(operands));
            Assert.True(LibTorchSqrt.Direct, "libtorch_cpu.so exports oneMKL's vsSqrt on Linux x64: Adam should call it directly");
        }
    }
}
