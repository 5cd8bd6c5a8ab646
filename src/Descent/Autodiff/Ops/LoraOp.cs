using Descent.Numerics;

namespace Descent.Autodiff.Ops;

/// <summary>
/// A LoRA adapter's contribution fused into one node: y = base + s·(x·Aᵀ)·Bᵀ for base [..., out], x [..., in],
/// A [r, in], B [out, r] and the constant scaling s. The low-rank product h = x·Aᵀ [rows, r] is kept for backward;
/// the second product is accumulated into the copy of base by the GEMM (alpha = s, beta = 1), so no element-wise pass
/// scales or adds the update. Backward: dbase = g; dB = s·gᵀ·h; dh = s·g·B; then dA = dhᵀ·x and dx = dh·A as the
/// backward of the linear product h = x·Aᵀ (<see cref="LinearOp.BackwardProduct"/>).
/// </summary>
/// <remarks>PEFT computes <c>base + (B(A(x)))·s</c> with a rounding after the product, after the scaling and after
/// the sum; here the scaling and the sum are part of the GEMM's single rounding (differences of the order of one
/// float32 ulp, well inside lora.json's tolerance).</remarks>
internal sealed class LoraOp : Node
{
    private readonly Tensor low;
    private readonly float scaling;

    private LoraOp(Tensor baseOutput, Tensor x, Tensor a, Tensor b, Tensor low, float scaling)
        : base(baseOutput, x, a, b)
    {
        this.low = low;
        this.scaling = scaling;
    }

    public override string Name => "LoraBackward";

    public static Tensor Forward(Tensor baseOutput, Tensor x, Tensor a, Tensor b, float scaling)
    {
        ArgumentNullException.ThrowIfNull(baseOutput);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank != 2 || b.Rank != 2 || b.Shape[1] != a.Shape[0] || x.Rank == 0 || x.Shape[^1] != a.Shape[1])
        {
            throw new ShapeMismatchException("Lora", a.Shape, b.Shape, "A must be [r, in] with in = the input's last dimension, B [out, r]");
        }

        int r = a.Shape[0], inF = a.Shape[1], outF = b.Shape[0];
        var rows = ShapeUtil.Count(x.Shape[..^1]);
        if (baseOutput.Rank != x.Rank || baseOutput.Shape[^1] != outF || ShapeUtil.Count(baseOutput.Shape[..^1]) != rows)
        {
            throw new ShapeMismatchException("Lora", baseOutput.Shape, x.Shape, "the base output must be the input's shape with the last dimension out");
        }

        var h = Tensor.Output([rows, r]);
        Gemm.Multiply(false, true, rows, r, inF, 1f, x.Span, inF, a.Span, inF, 0f, h.Span, r);
        var y = Tensor.Output(baseOutput.Shape);
        baseOutput.Span.CopyTo(y.Span);
        Gemm.Multiply(false, true, rows, outF, r, scaling, h.Span, r, b.Span, r, 1f, y.Span, outF);
        return Tape.ShouldRecord([baseOutput, x, a, b]) ? Tape.Record(y, new LoraOp(baseOutput, x, a, b, h, scaling)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var (baseOutput, x, a, b) = (Inputs[0], Inputs[1], Inputs[2], Inputs[3]);
        int r = a.Shape[0], outF = b.Shape[0];
        var rows = low.Shape[0];
        if (baseOutput.RequiresGrad)
        {
            baseOutput.AccumulateGrad(gradOutput);
        }

        if (b.RequiresGrad)
        {
            var gb = GradientScratch.For(b);
            Gemm.Multiply(true, false, outF, r, rows, scaling, gradOutput, outF, low.Span, r, 0f, gb.Span, r);
            gb.AccumulateInto(b);
        }

        if (!a.RequiresGrad && !x.RequiresGrad)
        {
            return;
        }

        var buffer = ArrayPoolBuffer.Rent(rows * r);
        var gh = buffer.AsSpan(0, rows * r);
        Gemm.Multiply(false, false, rows, r, outF, scaling, gradOutput, outF, b.Span, r, 0f, gh, r);
        LinearOp.BackwardProduct(x, a, gh, rows);
        ArrayPoolBuffer.Return(buffer);
    }
}
