using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// y = x·Wᵀ + b with bf16 operands and float32 accumulation, on oneMKL's bf16 GEMM (<see cref="MklBf16Gemm"/>). The GEMM
/// writes float32, so a float32 caller gets y without a bf16 rounding in between, and the backward hands the float32
/// master weight its gradient straight from the GEMM (PyTorch's autocast rounds it to bf16 first, then casts it back).
/// The input may be float32 (it is cast here, and its gradient comes back in float32) or bf16.
/// </summary>
internal sealed class Bf16Linear : autograd.SingleTensorFunction<Bf16Linear>
{
    public override string Name => nameof(Bf16Linear);

    /// <param name="x">[..., in], float32 or bf16.</param>
    /// <param name="weight">The float32 master weight [out, in]; receives the gradient.</param>
    /// <param name="bias">The float32 bias [out], or null.</param>
    /// <param name="weightBf16">The weight in bf16, without a graph (the cached cast of <paramref name="weight"/>).</param>
    /// <param name="output">The dtype of y: float32, or bf16 when a bf16 op consumes it.</param>
    public static Tensor Of(Tensor x, Tensor weight, Tensor? bias, Tensor weightBf16, ScalarType output) =>
        is_grad_enabled() && (x.requires_grad || weight.requires_grad || bias is { requires_grad: true })
            ? apply(x, weight, bias!, weightBf16, output)
            : Forward(x, Bf16Rows(x), bias, weightBf16, output);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var bias = vars[2] as Tensor;
        var weightBf16 = (Tensor)vars[3];
        var output = (ScalarType)vars[4];
        var xBf16 = Bf16Rows(x);
        ctx.save_for_backward([xBf16, weightBf16]);
        ctx.save_data("input", (x.dtype, x.shape, bias is not null));
        return Forward(x, xBf16, bias, weightBf16, output);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        // TorchSharp hands the gradient and the saved tensors over as new wrappers in the caller's dispose scope, which
        // the training step ends only after the whole backward: freed here instead, as libtorch frees its own nodes'.
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        Tensor xBf16 = saved[0], weightBf16 = saved[1];
        var (inputType, inputShape, hasBias) = ((ScalarType, long[], bool))ctx.get_data("input");
        var dyBf16 = gradOutput.reshape(-1, weightBf16.shape[0]).to_type(ScalarType.BFloat16).contiguous();
        Tensor? gradBias = null;
        if (hasBias)
        {
            // Σ over rows as a GEMV, 1ᵀ·dy: 10-20x faster than libtorch's float32-accumulating sum of a bf16 tensor.
            gradBias = empty(1, dyBf16.shape[1], ScalarType.Float32);
            MklBf16Gemm.Multiply(Ones.Row(dyBf16.shape[0]), false, dyBf16, false, gradBias);
            gradBias = gradBias.view(-1);
        }
        var gradInput = empty(xBf16.shape[0], xBf16.shape[1], ScalarType.Float32);
        MklBf16Gemm.Multiply(dyBf16, false, weightBf16, false, gradInput);
        var gradWeight = empty(weightBf16.shape[0], weightBf16.shape[1], ScalarType.Float32);
        MklBf16Gemm.Multiply(dyBf16, true, xBf16, false, gradWeight);
        gradOutput.Dispose();
        List<Tensor> grads = [gradInput.to_type(inputType).view(inputShape), gradWeight, gradBias!, null!, null!];
        HandedGradients.Release(grads);
        return grads;
    }

    // y in x's shape, [..., out], from x's rows in bf16.
    private static Tensor Forward(Tensor x, Tensor xBf16, Tensor? bias, Tensor weightBf16, ScalarType output)
    {
        var y = bias is null
            ? empty(xBf16.shape[0], weightBf16.shape[0], ScalarType.Float32)
            : bias.to_type(ScalarType.Float32).expand(xBf16.shape[0], weightBf16.shape[0]).contiguous();
        MklBf16Gemm.Multiply(xBf16, false, weightBf16, true, y, beta: bias is null ? 0 : 1);
        return y.to_type(output).view([.. x.shape[..^1], weightBf16.shape[0]]);
    }

    // [..., in] as contiguous bf16 rows [N, in].
    private static Tensor Bf16Rows(Tensor x) => x.reshape(-1, x.shape[^1]).to_type(ScalarType.BFloat16).contiguous();

    private static class Ones
    {
        [ThreadStatic] private static Tensor? _ones;

        /// <summary>[1, n] bf16 ones.</summary>
        public static Tensor Row(long n)
        {
            if (_ones is null || _ones.shape[1] < n)
            {
                _ones?.Dispose();
                _ones = ones(1, Math.Max(n, 4096), ScalarType.BFloat16).DetachFromDisposeScope();
            }
            return _ones.narrow(1, 0, n);
        }
    }
}
