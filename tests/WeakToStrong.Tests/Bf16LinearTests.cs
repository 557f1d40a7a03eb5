using WeakToStrong.Models;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

/// <summary>oneMKL's bf16 GEMM and the linear layer built on it, against float64 arithmetic on the same bf16 operands.</summary>
public class Bf16LinearTests
{
    private static readonly ScalarType Bf16 = ScalarType.BFloat16;

    // Linux x64 libtorch links oneMKL: there the GEMM must be found, so these tests cannot pass by finding nothing.
    private static bool Present()
    {
        if (TestEnvironment.LinuxX64)
            Assert.True(MklBf16Gemm.Available, "libtorch_cpu.so exports no cblas_gemm_bf16bf16f32");
        return MklBf16Gemm.Available;
    }

    /// <summary>Random x [rows, in] and a float32 weight [out, in] and bias [out] that take gradients.</summary>
    private static (Tensor X, Tensor Weight, Tensor Bias) Layer(ulong seed, int rows, int inputs, int outputs)
    {
        var g = new Generator(seed);
        return (randn([rows, inputs], generator: g), randn([outputs, inputs], generator: g).requires_grad_(true),
            randn([outputs], generator: g).requires_grad_(true));
    }

    private static Tensor Exact(Tensor t) => t.to_type(Bf16).to_type(ScalarType.Float64);

    private static double Relative(Tensor actual, Tensor expected) =>
        ((actual.to_type(ScalarType.Float64) - expected).abs().max() / expected.abs().max()).item<double>();

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void GemmEqualsFloat64ProductOfItsBf16Operands(bool transposeA, bool transposeB)
    {
        if (!Present()) return;
        var g = new Generator(11);
        var a = randn(transposeA ? [37, 45] : [45, 37], generator: g).to_type(Bf16);
        var b = randn(transposeB ? [29, 37] : [37, 29], generator: g).to_type(Bf16);
        var c = randn([45, 29], generator: g);
        var start = c.to_type(ScalarType.Float64);
        MklBf16Gemm.Multiply(a, transposeA, b, transposeB, c, beta: 1);
        var ea = Exact(a); var eb = Exact(b);
        var expected = (transposeA ? ea.t() : ea).matmul(transposeB ? eb.t() : eb) + start;
        Assert.True(Relative(c, expected) < 1e-6, $"relative error {Relative(c, expected)}");
    }

    [Fact]
    public void GemmRejectsMismatchedShapes()
    {
        if (!Present()) return;
        var a = zeros([4, 3], Bf16);
        var b = zeros([5, 2], Bf16);
        Assert.Throws<ArgumentException>(() => MklBf16Gemm.Multiply(a, false, b, false, zeros(4, 2)));
        Assert.Throws<ArgumentException>(() => MklBf16Gemm.Multiply(a, false, zeros([3, 2], Bf16), false, zeros([4, 2], Bf16)));
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void ForwardAndGradientsEqualFloat64OnTheBf16Operands(ScalarType output)
    {
        if (!Present()) return;
        var g = new Generator(5);
        var x = randn([3, 50, 24], generator: g).requires_grad_(true); // float32, as the residual stream feeds it
        var weight = (randn([40, 24], generator: g) * 0.2).requires_grad_(true);
        var bias = randn([40], generator: g).requires_grad_(true);
        var weightBf16 = weight.detach().to_type(Bf16);
        var y = Bf16Linear.Of(x, weight, bias, weightBf16, output);
        Assert.Equal(output, y.dtype);
        Assert.Equal(new long[] { 3, 50, 40 }, y.shape);
        var probe = randn([3, 50, 40], generator: g);
        (y.to_type(ScalarType.Float32) * probe).sum().backward();

        var ex = Exact(x.detach()).reshape(-1, 24);
        var ew = Exact(weightBf16);
        var expectedY = ex.matmul(ew.t()) + bias.detach().to_type(ScalarType.Float64);
        // The incoming gradient is rounded to bf16 for the GEMMs (as autocast's backward is).
        var dy = Exact(probe.to_type(output)).reshape(-1, 40);
        Assert.True(Relative(y.reshape(-1, 40), expectedY) < (output == Bf16 ? 4e-3 : 1e-6));
        Assert.Equal(ScalarType.Float32, x.grad!.dtype);
        Assert.True(Relative(x.grad!.reshape(-1, 24), dy.matmul(ew)) < 1e-6);
        Assert.True(Relative(weight.grad!, dy.t().matmul(ex)) < 1e-6);
        Assert.True(Relative(bias.grad!, dy.sum(dim: 0L)) < 1e-6);
    }

    [Fact]
    public void ABf16InputGetsABf16Gradient()
    {
        if (!Present()) return;
        var g = new Generator(6);
        var x = randn([2, 7, 16], generator: g).to_type(Bf16).requires_grad_(true);
        var weight = randn([8, 16], generator: g).requires_grad_(true);
        Bf16Linear.Of(x, weight, null, weight.detach().to_type(Bf16), ScalarType.Float32).sum().backward();
        Assert.Equal(Bf16, x.grad!.dtype);
        Assert.Equal(x.shape, x.grad!.shape);
        Assert.Equal(ScalarType.Float32, weight.grad!.dtype);
    }

    [Fact]
    public void WithoutAutogradItGivesTheSameValues()
    {
        if (!Present()) return;
        var (x, weight, bias) = Layer(7, rows: 64, inputs: 32, outputs: 48);
        var weightBf16 = weight.detach().to_type(Bf16);
        var tracked = Bf16Linear.Of(x, weight, bias, weightBf16, ScalarType.Float32);
        Tensor untracked;
        using (no_grad()) untracked = Bf16Linear.Of(x, weight, bias, weightBf16, ScalarType.Float32);
        Assert.True(tracked.requires_grad);
        Assert.False(untracked.requires_grad);
        Assert.True(tracked.detach().equal(untracked).all().item<bool>());
    }

    [Fact]
    public void TheSameInputsGiveTheSameBits()
    {
        if (!Present()) return;
        var (x, weight, bias) = Layer(8, rows: 256, inputs: 96, outputs: 160);
        var probe = randn([256, 160], generator: new Generator(80));
        (Tensor Y, Tensor Dw, Tensor Db) Run()
        {
            weight.grad?.zero_();
            bias.grad?.zero_();
            var y = Bf16Linear.Of(x, weight, bias, weight.detach().to_type(Bf16), ScalarType.Float32);
            (y * probe).sum().backward();
            return (y.detach().clone(), weight.grad!.clone(), bias.grad!.clone());
        }
        var first = Run();
        var second = Run();
        Assert.True(first.Y.equal(second.Y).all().item<bool>());
        Assert.True(first.Dw.equal(second.Dw).all().item<bool>());
        Assert.True(first.Db.equal(second.Db).all().item<bool>());
    }

    [Fact]
    public void TheLayersTakeOneMklsGemmWhereOneMklRunsItsAvx512Kernels()
    {
        // The test assembly sets libtorch up as w2s does (TestEnvironment): on a Linux x64 AMD CPU with AVX-512, unless an
        // environment variable asks otherwise, that must have set oneMKL's vendor check and so chosen this path.
        bool optedOut = Environment.GetEnvironmentVariable("W2S_LIBTORCH_BF16") is not null || Environment.GetEnvironmentVariable("W2S_MKL_TUNING") is not null;
        if (TestEnvironment.LinuxX64 && Training.MklKernels.Vendor() == "AuthenticAMD" && System.Runtime.Intrinsics.X86.Avx512F.IsSupported && !optedOut)
            Assert.True(MklBf16Gemm.Preferred, $"oneMKL's bf16 GEMM not chosen (oneMKL: {Training.MklKernels.Status})");
        if (!MklBf16Gemm.Preferred) return;
        var g = new Generator(9);
        var x = randn([2, 5, 32], generator: g);
        var layer = nn.Linear(32, 16);
        var casts = new LowPrecisionCasts(Bf16);
        var viaCasts = casts.Linear(layer, x, ScalarType.Float32);
        var direct = Bf16Linear.Of(x, layer.weight!, layer.bias, layer.weight!.detach().to_type(Bf16), ScalarType.Float32);
        Assert.True(viaCasts.equal(direct).all().item<bool>());
    }
}
