using WeakToStrong.Models;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Tests;

/// <summary>The fused bf16 attention kernel against float64 attention on the same bf16 Q, K and V.</summary>
public class Bf16AttentionTests
{
    private static readonly ScalarType Bf16 = ScalarType.BFloat16;
    private const int Heads = 3, HeadSize = 20, Hidden = Heads * HeadSize; // d = 20: whole 16-float vectors and a tail

    private static bool Present()
    {
        if (TestEnvironment.LinuxX64)
            Assert.True(MklBf16Gemm.Available, "libtorch_cpu.so exports no cblas_gemm_bf16bf16f32");
        return MklBf16Gemm.Available;
    }

    // softmax(QKᵀ/√d)·V in float64 from the packed [B, T, 3·H] bf16 projection; masked keys get no weight.
    private static Tensor Reference(Tensor qkv, Tensor? keep, bool causal)
    {
        long b = qkv.shape[0], t = qkv.shape[1];
        var parts = qkv.to_type(ScalarType.Float64).view(b, t, 3, Heads, HeadSize).permute(2, 0, 3, 1, 4).unbind(0);
        var scores = parts[0].matmul(parts[1].transpose(-2, -1)) / Math.Sqrt(HeadSize);
        if (keep is not null) scores = scores.masked_fill(keep.logical_not(), double.NegativeInfinity);
        if (causal) scores = scores.masked_fill(ones(t, t, ScalarType.Bool).triu(1), double.NegativeInfinity);
        return nn.functional.softmax(scores, -1).matmul(parts[2]).transpose(1, 2).reshape(b, t, Hidden);
    }

    private static double Relative(Tensor actual, Tensor expected) =>
        ((actual.to_type(ScalarType.Float64) - expected).abs().max() / expected.abs().max()).item<double>();

    // 3 rows of 21 tokens (not a multiple of the kernel's 16-float vectors); row 1 has its last 8 keys masked.
    private static (Tensor Qkv, Tensor Keep) Inputs(ulong seed)
    {
        var g = new Generator(seed);
        var qkv = randn([3, 21, 3 * Hidden], generator: g).to_type(Bf16);
        var keep = ones([3, 1, 1, 21], dtype: ScalarType.Bool);
        keep[1, 0, 0, TensorIndex.Slice(13)] = false;
        return (qkv, keep);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void ForwardAndGradientEqualFloat64Attention(bool masked, bool causal)
    {
        if (!Present()) return;
        var (qkv, keep) = Inputs(1);
        var mask = masked ? keep : null;
        var input = qkv.detach().requires_grad_(true);
        var context = Bf16Attention.Of(input, Heads, mask, causal);
        Assert.Equal(ScalarType.Float32, context.dtype);
        Assert.Equal(new long[] { 3, 21, Hidden }, context.shape);
        var probe = randn([3, 21, Hidden], generator: new Generator(2));
        (context * probe).sum().backward();

        var exact = qkv.to_type(ScalarType.Float64).requires_grad_(true);
        var expected = Reference(exact, mask, causal);
        (expected * probe.to_type(ScalarType.Float64)).sum().backward();
        // The probabilities, the incoming gradient and the score gradient are rounded to bf16 for the GEMMs (2⁻⁹ relative each).
        Assert.True(Relative(context, expected.detach()) < 1e-2, $"forward: relative error {Relative(context, expected.detach())}");
        Assert.Equal(Bf16, input.grad!.dtype);
        Assert.True(Relative(input.grad!, exact.grad!) < 2e-2, $"gradient: relative error {Relative(input.grad!, exact.grad!)}");
    }

    [Fact]
    public void MaskedAndFutureKeysDoNotReachTheOutput()
    {
        if (!Present()) return;
        var (qkv, keep) = Inputs(3);
        var changed = qkv.clone();
        // Row 1's masked keys (from token 13 on): new K and V there.
        changed[1, TensorIndex.Slice(13), TensorIndex.Slice(Hidden)] = randn([8, 2 * Hidden]).to_type(Bf16);
        Assert.True(Bf16Attention.Of(qkv, Heads, keep).equal(Bf16Attention.Of(changed, Heads, keep)).all().item<bool>());
        // Causal: tokens after 10 change nothing before them.
        var later = qkv.clone();
        later[TensorIndex.Colon, TensorIndex.Slice(11)] = randn([3, 10, 3 * Hidden]).to_type(Bf16);
        var before = Bf16Attention.Of(qkv, Heads, causal: true).narrow(1, 0, 11);
        Assert.True(before.equal(Bf16Attention.Of(later, Heads, causal: true).narrow(1, 0, 11)).all().item<bool>());
    }

    [Fact]
    public void AQueryWithNoKeyGetsZeros()
    {
        if (!Present()) return;
        var (qkv, keep) = Inputs(4);
        keep[2] = false;
        var context = Bf16Attention.Of(qkv, Heads, keep);
        Assert.Equal(0, context[2].abs().max().item<float>());
        Assert.True(context[0].abs().max().item<float>() > 0);
    }

    [Fact]
    public void OneAndTwoThreadsGiveTheSameBitsAsAnUntrackedPass()
    {
        if (!Present()) return;
        var (qkv, keep) = Inputs(5);
        var probe = randn([3, 21, Hidden], generator: new Generator(6));
        (Tensor Context, Tensor Grad) Run()
        {
            var input = qkv.detach().requires_grad_(true);
            var context = Bf16Attention.Of(input, Heads, keep);
            (context * probe).sum().backward();
            return (context.detach(), input.grad!);
        }
        var one = Run();
        Tensor untracked;
        using (no_grad()) untracked = Bf16Attention.Of(qkv, Heads, keep);
        set_num_threads(2);
        try
        {
            var two = Run();
            Assert.True(one.Context.equal(two.Context).all().item<bool>());
            Assert.True(one.Grad.equal(two.Grad).all().item<bool>());
        }
        finally { set_num_threads(1); }
        Assert.True(one.Context.equal(untracked).all().item<bool>());
    }

    [Fact]
    public void ManyRowsHandedOutARowAtATimeGiveTheBitsOfFewRowsHandedOutAHeadAtATime()
    {
        if (!Present()) return;
        // 9 rows: their heads go out a row at a time (at 1 and 2 threads); the first 3 alone, a head at a time.
        var qkv = randn([9, 21, 3 * Hidden], generator: new Generator(8)).to_type(Bf16);
        var probe = randn([9, 21, Hidden], generator: new Generator(9));
        (Tensor Context, Tensor Grad) Run(Tensor rows)
        {
            var input = rows.detach().requires_grad_(true);
            var context = Bf16Attention.Of(input, Heads);
            (context * probe[TensorIndex.Slice(0, rows.shape[0])]).sum().backward();
            return (context.detach(), input.grad!);
        }
        var one = Run(qkv);
        var few = Run(qkv[TensorIndex.Slice(0, 3)]);
        set_num_threads(2);
        (Tensor Context, Tensor Grad) two;
        try { two = Run(qkv); }
        finally { set_num_threads(1); }
        Assert.True(one.Context.equal(two.Context).all().item<bool>());
        Assert.True(one.Grad.equal(two.Grad).all().item<bool>());
        Assert.True(one.Context[TensorIndex.Slice(0, 3)].equal(few.Context).all().item<bool>());
        Assert.True(one.Grad[TensorIndex.Slice(0, 3)].equal(few.Grad).all().item<bool>());
        Assert.True(Relative(one.Context, Reference(qkv, null, false)) < 1e-2);
    }

    [Fact]
    public void RejectsAnUnpackedInput()
    {
        var e = Assert.Throws<ArgumentException>(() => Bf16Attention.Of(zeros([2, 5, 3 * Hidden]), Heads));
        Assert.Contains("bf16", e.Message);
        Assert.Throws<ArgumentException>(() => Bf16Attention.Of(zeros([2, 5, 20], Bf16), Heads));
    }

    [Fact]
    public void OpenMpTeamRunsEachPartOnceOnItsOwnThread()
    {
        set_num_threads(2);
        try
        {
            var threads = new int[2];
            var calls = new int[2];
            OpenMpTeam.Run(2, i => { Interlocked.Increment(ref calls[i]); threads[i] = Environment.CurrentManagedThreadId; Thread.Sleep(20); });
            Assert.Equal(new[] { 1, 1 }, calls);
            if (TestEnvironment.LinuxX64) Assert.NotEqual(threads[0], threads[1]);
            var error = Assert.Throws<InvalidOperationException>(() => OpenMpTeam.Run(2, i => { if (i == 1) throw new InvalidOperationException("part 1"); }));
            Assert.Equal("part 1", error.Message);
        }
        finally { set_num_threads(1); }
    }
}
