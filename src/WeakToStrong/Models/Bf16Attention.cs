using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// Self-attention softmax(QKᵀ/√d)·V with bf16 operands, one head at a time on oneMKL's bf16 GEMM (<see cref="MklBf16Gemm"/>).
/// Each head is read in place from the packed Q/K/V projection, its scores are a float32 block that the softmax turns into
/// bf16 probabilities while they are in cache, and its context is written in float32 straight into [B, T, H]. libtorch's
/// bf16 path instead copies q, k and v into head-major order and runs the scaling, both matmuls and a bf16 softmax as
/// separate passes over memory (<see cref="LowPrecisionAttention"/>). Backward, per head, with P the saved probabilities:
/// dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(P ⊙ dP)) / √d, dQ = dS·K, dK = dSᵀ·Q.
/// </summary>
internal sealed unsafe class Bf16Attention : autograd.SingleTensorFunction<Bf16Attention>
{
    public override string Name => nameof(Bf16Attention);

    /// <param name="qkv">[B, T, 3·H] bf16, laid out [B, T, 3, heads, d]: the packed Q/K/V projection.</param>
    /// <param name="heads">Attention heads; H must divide by it.</param>
    /// <param name="keep">[B, 1, 1, T] bool, true where a key may be attended to; null: every key.</param>
    /// <param name="causal">Each query attends only to itself and earlier positions.</param>
    /// <returns>The context [B, T, H] in float32, heads side by side. A query with no key to attend to gets zeros.</returns>
    public static Tensor Of(Tensor qkv, int heads, Tensor? keep = null, bool causal = false)
    {
        if (qkv.dim() != 3 || qkv.dtype != ScalarType.BFloat16 || qkv.shape[2] % (3 * heads) != 0)
            throw new ArgumentException($"qkv must be [B, T, 3·H] bf16 with H divisible by {heads} heads; got [{string.Join(", ", qkv.shape)}] {qkv.dtype}");
        if (is_grad_enabled() && qkv.requires_grad) return apply(qkv, heads, keep!, causal);
        return Forward(qkv.contiguous(), heads, keep, causal, saveProbs: false).Context;
    }

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var qkv = ((Tensor)vars[0]).contiguous();
        int heads = (int)vars[1];
        var (context, probs) = Forward(qkv, heads, vars[2] as Tensor, (bool)vars[3], saveProbs: true);
        ctx.save_for_backward([qkv, probs!]);
        ctx.save_data("heads", heads);
        return context;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        using var scope = NewDisposeScope(); // see HandedGradients
        var saved = ctx.get_saved_variables();
        Tensor qkv = saved[0], probs = saved[1];
        var s = new Sizes(qkv, (int)ctx.get_data("heads"));
        var dOut = gradOutput.to_type(ScalarType.Float32).contiguous();
        var dQkv = empty(s.Batch, s.Tokens, 3 * s.Hidden, ScalarType.BFloat16);
        nint qkvAt = Address(qkv), probsAt = Address(probs), dOutAt = Address(dOut), dQkvAt = Address(dQkv);
        float scale = s.Scale;
        int rowBlock = s.Tokens * s.Stride, headBlock = s.Tokens * s.HeadSize;
        // Scratch per worker: dP [T, stride] and one head's gradient [T, d] in float32; dS [T, stride] and dO [T, d] in bf16.
        ForEachHead(s, (rowBlock + headBlock) * (sizeof(float) + sizeof(ushort)), (head, scratch) =>
        {
            int b = head / s.Heads, h = head % s.Heads, t = s.Tokens, d = s.HeadSize, n = s.Stride, row = 3 * s.Hidden;
            long at = (long)b * t * row + h * d;
            ushort* q = (ushort*)qkvAt + at, k = q + s.Hidden, v = k + s.Hidden;
            ushort* dQ = (ushort*)dQkvAt + at, dK = dQ + s.Hidden, dV = dK + s.Hidden;
            ushort* p = (ushort*)probsAt + (long)head * rowBlock;
            float* dP = (float*)scratch, gradient = dP + rowBlock;
            ushort* dS = (ushort*)(gradient + headBlock), dO = dS + rowBlock;
            RoundToBf16((float*)dOutAt + ((long)b * t * s.Hidden + h * d), s.Hidden, dO, d, t, d);
            MklBf16Gemm.Multiply(true, false, t, d, t, p, n, dO, d, gradient, d);
            RoundToBf16(gradient, d, dV, row, t, d);
            MklBf16Gemm.Multiply(false, true, t, t, d, dO, d, v, row, dP, n);
            for (int i = 0; i < t; i++) SoftmaxBackwardRow(dP + i * n, p + i * n, scale, dS + i * n, n);
            MklBf16Gemm.Multiply(false, false, t, d, t, dS, n, k, row, gradient, d);
            RoundToBf16(gradient, d, dQ, row, t, d);
            MklBf16Gemm.Multiply(true, false, t, d, t, dS, n, q, row, gradient, d);
            RoundToBf16(gradient, d, dK, row, t, d);
        });
        GC.KeepAlive(qkv); GC.KeepAlive(probs); GC.KeepAlive(dOut); GC.KeepAlive(dQkv);
        gradOutput.Dispose();
        List<Tensor> grads = [dQkv, null!, null!, null!];
        HandedGradients.Release(grads);
        return grads;
    }

    // The context [B, T, H] in float32 and, when saved for backward, the probabilities [B, heads, T, stride] in bf16 (zero
    // past each row's T keys). Unsaved, each head's probabilities live only in its worker's scratch.
    private static (Tensor Context, Tensor? Probs) Forward(Tensor qkv, int heads, Tensor? keep, bool causal, bool saveProbs)
    {
        var s = new Sizes(qkv, heads);
        var context = empty(s.Batch, s.Tokens, s.Hidden, ScalarType.Float32);
        var probs = saveProbs ? empty([s.Batch, heads, s.Tokens, s.Stride], ScalarType.BFloat16) : null;
        float[] keyBias = KeyBias(keep, s);
        nint qkvAt = Address(qkv), contextAt = Address(context), probsAt = probs is null ? 0 : Address(probs);
        float scale = s.Scale;
        int rowBlock = s.Tokens * s.Stride;
        // Scratch per worker: the scores [T, stride] in float32 (its columns past T stay zero: the GEMM writes T of them),
        // then, unless saved, the probabilities [T, stride] in bf16.
        ForEachHead(s, rowBlock * (sizeof(float) + (saveProbs ? 0 : sizeof(ushort))), (head, scratch) =>
        {
            int b = head / s.Heads, h = head % s.Heads, t = s.Tokens, d = s.HeadSize, n = s.Stride;
            ushort* q = (ushort*)qkvAt + ((long)b * t * 3 * s.Hidden + h * d), k = q + s.Hidden, v = k + s.Hidden;
            float* scores = (float*)scratch;
            ushort* p = saveProbs ? (ushort*)probsAt + (long)head * rowBlock : (ushort*)(scores + rowBlock);
            MklBf16Gemm.Multiply(false, true, t, t, d, q, 3 * s.Hidden, k, 3 * s.Hidden, scores, n);
            fixed (float* bias = &keyBias[b * n])
                for (int i = 0; i < t; i++) SoftmaxRow(scores + i * n, bias, causal ? i : int.MaxValue, scale, p + i * n, n);
            MklBf16Gemm.Multiply(false, false, t, d, t, p, n, v, 3 * s.Hidden, (float*)contextAt + ((long)b * t * s.Hidden + h * d), s.Hidden);
        });
        GC.KeepAlive(qkv); GC.KeepAlive(context); GC.KeepAlive(probs);
        return (context, probs);
    }

    private readonly record struct Sizes(long Batch, int Tokens, int Hidden, int Heads)
    {
        public Sizes(Tensor qkv, int heads) : this(qkv.shape[0], checked((int)qkv.shape[1]), checked((int)qkv.shape[2] / 3), heads) { }

        public int HeadSize => Hidden / Heads;

        // Row stride of the score and probability blocks: T rounded up to whole 16-float vectors.
        public int Stride => (Tokens + 15) / 16 * 16;

        public float Scale => 1 / MathF.Sqrt(HeadSize);
    }

    // Per batch row, what is added to each key's score: 0 where it may be attended to, −∞ where masked and past T.
    private static float[] KeyBias(Tensor? keep, Sizes s)
    {
        var bias = new float[s.Batch * s.Stride];
        byte[]? allowed = keep?.reshape(s.Batch, s.Tokens).to_type(ScalarType.Byte).contiguous().data<byte>().ToArray();
        for (long b = 0; b < s.Batch; b++)
            for (int j = 0; j < s.Stride; j++)
                bias[b * s.Stride + j] = j < s.Tokens && (allowed is null || allowed[b * s.Tokens + j] != 0) ? 0 : float.NegativeInfinity;
        return bias;
    }

    // Hands the B·heads heads out to libtorch's OpenMP threads (where oneMKL runs single-threaded: a head's GEMMs are too
    // small to share), each with zeroed scratch of its own, a batch row's heads at a time (they read the same K/V rows)
    // or, with few rows, one head at a time. Taken as they are free rather than split in fixed halves: a worker whose core
    // another process shares takes fewer of them instead of keeping the other waiting at the end (one layer's forward and
    // backward, 32 × 128 tokens, next to a busy process: 17-19 ms against 22; alone: the same 10 ms).
    private static void ForEachHead(Sizes s, long scratchBytes, Action<int, nint> work)
    {
        int count = checked((int)(s.Batch * s.Heads));
        if (count == 0 || s.Tokens == 0) return;
        int workers = Math.Clamp(get_num_threads(), 1, count);
        int chunk = s.Batch >= 4 * workers ? s.Heads : 1, chunks = count / chunk, next = -1;
        OpenMpTeam.Run(workers, worker =>
        {
            int previous = MklKernels.ThreadsOnThisThread(1);
            void* scratch = NativeMemory.AlignedAlloc((nuint)scratchBytes, 64);
            try
            {
                NativeMemory.Clear(scratch, (nuint)scratchBytes);
                for (int c = Interlocked.Increment(ref next); c < chunks; c = Interlocked.Increment(ref next))
                    for (int head = c * chunk; head < (c + 1) * chunk; head++)
                        work(head, (nint)scratch);
            }
            finally
            {
                NativeMemory.AlignedFree(scratch);
                MklKernels.ThreadsOnThisThread(previous);
            }
        });
    }

    private static nint Address(Tensor t) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));

    // One query's row: probabilities = softmax(scale·scores + bias), keys after lastKey masked, written as bf16. The
    // row holds n floats (a multiple of 16) and is overwritten.
    private static void SoftmaxRow(float* row, float* bias, int lastKey, float scale, ushort* output, int n)
    {
        var max = Vector512.Create(float.NegativeInfinity);
        var last = Vector512.Create(lastKey);
        for (int j = 0; j < n; j += 16)
        {
            var x = Vector512.FusedMultiplyAdd(Vector512.Load(row + j), Vector512.Create(scale), Vector512.Load(bias + j));
            x = Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512<int>.Indices + Vector512.Create(j), last).AsSingle(),
                Vector512.Create(float.NegativeInfinity), x);
            x.Store(row + j);
            max = Vector512.Max(max, x);
        }
        float top = HorizontalMax(max);
        if (float.IsNegativeInfinity(top))
        {
            NativeMemory.Clear(output, (nuint)(n * sizeof(ushort)));
            return;
        }
        var sum = Vector512<float>.Zero;
        for (int j = 0; j < n; j += 16)
        {
            var e = ExpOfNonPositive(Vector512.Load(row + j) - Vector512.Create(top));
            e.Store(row + j);
            sum += e;
        }
        var inverse = Vector512.Create(1 / Vector512.Sum(sum));
        for (int j = 0; j < n; j += 16) ToBf16(Vector512.Load(row + j) * inverse).Store(output + j);
    }

    // One query's row of the score gradient: dS = scale · P ⊙ (dP − Σ P ⊙ dP), written as bf16.
    private static void SoftmaxBackwardRow(float* dP, ushort* p, float scale, ushort* dS, int n)
    {
        var dot = Vector512<float>.Zero;
        for (int j = 0; j < n; j += 16) dot = Vector512.FusedMultiplyAdd(FromBf16(p + j), Vector512.Load(dP + j), dot);
        var total = Vector512.Create(Vector512.Sum(dot));
        for (int j = 0; j < n; j += 16)
            ToBf16(FromBf16(p + j) * Vector512.Create(scale) * (Vector512.Load(dP + j) - total)).Store(dS + j);
    }

    // eˣ for x ≤ 0 (−∞ included) to within 2e-7 relative: x = n·ln2 + r with |r| ≤ ln2/2, eʳ by its Taylor polynomial to
    // degree 6, 2ⁿ put into the exponent bits. Below −87.3 (where 2ⁿ would leave float's normal range) it gives 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpOfNonPositive(Vector512<float> x)
    {
        var inRange = Vector512.GreaterThan(x, Vector512.Create(-87.3f));
        x = Vector512.Max(x, Vector512.Create(-87.3f));
        // x·log2(e) + 1.5·2²³ + 127 rounds n to an integer and leaves n + 127, the biased exponent, in the low bits.
        const float Shift = 12582912f + 127f;
        var shifted = Vector512.FusedMultiplyAdd(x, Vector512.Create(1.44269504f), Vector512.Create(Shift));
        var n = shifted - Vector512.Create(Shift);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693145752f), x); // ln2 in two parts, for an exact n·ln2
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-1.42860677e-6f), r);
        var poly = Vector512.Create(1f / 720);
        poly = Vector512.FusedMultiplyAdd(poly, r, Vector512.Create(1f / 120));
        poly = Vector512.FusedMultiplyAdd(poly, r, Vector512.Create(1f / 24));
        poly = Vector512.FusedMultiplyAdd(poly, r, Vector512.Create(1f / 6));
        poly = Vector512.FusedMultiplyAdd(poly, r, Vector512.Create(0.5f));
        poly = Vector512.FusedMultiplyAdd(poly, r, Vector512<float>.One);
        poly = Vector512.FusedMultiplyAdd(poly, r, Vector512<float>.One);
        var twoToN = (shifted.AsInt32() << 23).AsSingle();
        return Vector512.ConditionalSelect(inRange.AsSingle(), poly * twoToN, Vector512<float>.Zero);
    }

    private static float HorizontalMax(Vector512<float> v)
    {
        var half = Vector256.Max(v.GetLower(), v.GetUpper());
        var quarter = Vector128.Max(half.GetLower(), half.GetUpper());
        return MathF.Max(MathF.Max(quarter[0], quarter[1]), MathF.Max(quarter[2], quarter[3]));
    }

    // A [rows, cols] float32 block into bf16, each with its own row stride.
    private static void RoundToBf16(float* source, int sourceStride, ushort* target, int targetStride, int rows, int cols)
    {
        for (int i = 0; i < rows; i++, source += sourceStride, target += targetStride)
        {
            int j = 0;
            for (; j + 16 <= cols; j += 16) ToBf16(Vector512.Load(source + j)).Store(target + j);
            for (; j < cols; j++) target[j] = ToBf16(source[j]);
        }
    }

    private static ushort ToBf16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1)) >> 16);
    }

    // float32 → bf16 with round-to-nearest-even (the values here are finite).
    private static Vector256<ushort> ToBf16(Vector512<float> v)
    {
        var bits = v.AsUInt32();
        var rounded = (bits + Vector512.Create(0x7FFFu) + ((bits >> 16) & Vector512<uint>.One)) >> 16;
        return Vector512.Narrow(rounded, rounded).GetLower();
    }

    private static Vector512<float> FromBf16(ushort* p) => (Vector512.WidenLower(Vector256.Load(p).ToVector512()) << 16).AsSingle();
}
