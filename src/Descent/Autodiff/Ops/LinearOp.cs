using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Descent.Numerics;
using Descent.Optimizers;

namespace Descent.Autodiff.Ops;

/// <summary>
/// y = x·Wᵀ + b for x [..., in], W [out, in], b [out] (optional), through <see cref="Gemm"/> with the
/// transposed-B form, and y = GELU(x·Wᵀ + b) (exact GELU, <see cref="GeluOp"/>) when asked. Backward: dx = du·W,
/// dW = duᵀ·x, db = Σ_rows du with du = dy, or du = dy · GELU′(u) for the pre-activation u — no transpose is
/// materialized.
/// </summary>
/// <remarks>The fast path (<see cref="KernelPath.Auto"/>, <see cref="KernelPath.Simd"/>) adds the bias and applies the
/// GELU in the GEMM's epilogue (<see cref="GemmEpilogue"/>) as each output tile is finished, keeping the pre-activation
/// for backward only when a tape records; <see cref="KernelPath.Reference"/> runs the unfused composition (product,
/// a bias pass, then the GELU op). Both round the same way (the GELU kernels agree within 1e-6; parity tests).</remarks>
internal sealed class LinearOp : Node
{
    private Tensor? preActivation;

    private LinearOp(Tensor x, Tensor weight)
        : base(x, weight)
    {
    }

    private LinearOp(Tensor x, Tensor weight, Tensor bias)
        : base(x, weight, bias)
    {
    }

    public override string Name => preActivation is null ? "LinearBackward" : "LinearGeluBackward";

    /// <summary>y = x·Wᵀ + b, or GELU(x·Wᵀ + b) when <paramref name="gelu"/>; <paramref name="path"/> chooses the fused
    /// epilogue (Auto, Simd) or the unfused reference composition (Reference).</summary>
    public static Tensor Forward(Tensor x, Tensor weight, Tensor? bias, bool gelu = false, KernelPath path = KernelPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2 || x.Rank == 0 || x.Shape[^1] != weight.Shape[1])
        {
            throw new ShapeMismatchException("Linear", x.Shape, weight.Shape,
                "the input's last dimension must equal the weight's second dimension (weight is [out, in])");
        }

        int outF = weight.Shape[0], inF = weight.Shape[1];
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outF))
        {
            throw new ShapeMismatchException("Linear", weight.Shape, bias.Shape, "the bias must be [out]");
        }

        if (gelu && path == KernelPath.Reference)
        {
            return Forward(x, weight, bias, gelu: false, path).Gelu();
        }

        var rows = ShapeUtil.Count(x.Shape[..^1]);
        var shape = x.Shape.ToArray();
        shape[^1] = outF;
        var y = Tensor.Output(shape);
        var sy = y.Span;
        var record = bias is null ? Tape.ShouldRecord(x, weight) : Tape.ShouldRecord([x, weight, bias]);
        var pre = gelu && record ? Tensor.Output(shape) : null;
        Product(x.Span, weight.Span, bias, sy, pre, gelu, path, rows, outF, inF);
        if (!record)
        {
            return y;
        }

        var node = bias is null ? new LinearOp(x, weight) : new LinearOp(x, weight, bias);
        node.preActivation = pre;
        return Tape.Record(y, node);
    }

    /// <summary>y = x·Wᵀ + b into <paramref name="sy"/> for x [rows, in], W [out, in], as <see cref="Forward"/> computes it
    /// (<paramref name="path"/> chooses the fused epilogue or the unfused passes); with <paramref name="gelu"/> the GELU is
    /// applied and the pre-activation written to <paramref name="pre"/> when it is given.</summary>
    internal static void Product(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Tensor? bias, Span<float> sy, Tensor? pre, bool gelu,
        KernelPath path, int rows, int outF, int inF)
    {
        if (gelu || (path != KernelPath.Reference && (long)rows * outF * inF > GemmSmall.Threshold))
        {
            unsafe
            {
                fixed (float* pb = bias is null ? default : bias.Span)
                fixed (float* pp = pre is null ? default : pre.Span)
                {
                    var activation = gelu ? (delegate*<ReadOnlySpan<float>, Span<float>, void>)&GeluOp.ForwardSimd : null;
                    Gemm.MultiplyFused(false, true, rows, outF, inF, x, inF, weight, inF, sy, outF,
                        new GemmEpilogue(pb, pp, outF, activation));
                }
            }
        }
        else if (rows > 0 && outF > 0 && inF > 0 && (long)rows * outF * inF <= GemmSmall.Threshold)
        {
            // Small product: the direct kernel adds the bias as it stores each row (same rounding as a
            // separate pass: the bias is added to the finished dot product).
            unsafe
            {
                fixed (float* px = x)
                fixed (float* pw = weight)
                fixed (float* pb = bias is null ? default : bias.Span)
                fixed (float* py = sy)
                {
                    GemmSmall.Run(false, true, rows, outF, inF, 1f, px, inF, pw, inF, 0f, py, outF, pb);
                }
            }
        }
        else
        {
            Gemm.Multiply(false, true, rows, outF, inF, 1f, x, inF, weight, inF, 0f, sy, outF);
            if (bias is not null)
            {
                AddRowVector(sy, bias.Span, rows, outF);
            }
        }
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        var w = Inputs[1];
        var rows = ShapeUtil.Count(x.Shape[..^1]);
        float[]? preGradient = null;
        if (preActivation is not null)
        {
            // du = dy · GELU′(u), by the GELU op's own backward kernel.
            preGradient = ArrayPoolBuffer.Rent(gradOutput.Length);
            var du = preGradient.AsSpan(0, gradOutput.Length);
            default(GeluOp).Backward(preActivation.Span, default, gradOutput, du);
            gradOutput = du;
        }

        BackwardProduct(x, w, gradOutput, rows);
        if (Inputs.Count > 2 && Inputs[2].RequiresGrad)
        {
            BackwardBias(Inputs[2], gradOutput, rows);
        }

        if (preGradient is not null)
        {
            ArrayPoolBuffer.Return(preGradient);
        }
    }

    /// <summary>The gradients of y = x·Wᵀ (x [rows, in], W [out, in]) given g = dy [rows, out], accumulated into
    /// whichever of x and W requires them: dx = g·W, dW = gᵀ·x. With <paramref name="lowWeight"/> (a LoRA adapter's A
    /// [r, in] reading the same x), dx also takes the low-rank branch's term <paramref name="lowGradient"/>·A
    /// (<paramref name="lowGradient"/> = dh [rows, r]), accumulated by the GEMM into the same scratch.</summary>
    internal static void BackwardProduct(Tensor x, Tensor w, ReadOnlySpan<float> g, int rows, Tensor? lowWeight = null,
        ReadOnlySpan<float> lowGradient = default)
    {
        int outF = w.Shape[0], inF = w.Shape[1];
        if (x.RequiresGrad)
        {
            var gx = GradientScratch.For(x);
            Gemm.Multiply(false, false, rows, inF, outF, 1f, g, outF, w.Span, inF, 0f, gx.Span, inF);
            if (lowWeight is not null)
            {
                var r = lowWeight.Shape[0];
                Gemm.Multiply(false, false, rows, inF, r, 1f, lowGradient, r, lowWeight.Span, inF, 1f, gx.Span, inF);
            }

            gx.AccumulateInto(x);
        }

        if (w.RequiresGrad)
        {
            var gw = GradientScratch.For(w);
            Gemm.Multiply(true, false, outF, inF, rows, 1f, g, outF, x.Span, inF, 0f, gw.Span, inF);
            gw.AccumulateInto(w);
        }
    }

    /// <summary>The bias gradient db = Σ_rows g (g [rows, out]), accumulated into <paramref name="bias"/>.</summary>
    internal static void BackwardBias(Tensor bias, ReadOnlySpan<float> g, int rows)
    {
        var outF = bias.Length;
        var buffer = ArrayPoolBuffer.Rent(outF);
        var gb = buffer.AsSpan(0, outF);
        ColumnSums(g, rows, outF, gb);
        bias.AccumulateGrad(gb);
        ArrayPoolBuffer.Return(buffer);
    }

    /// <summary>y[r, :] += b for every row r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddRowVector(Span<float> y, ReadOnlySpan<float> b, int rows, int cols)
    {
        if (cols < 16)
        {
            // Narrow outputs: a plain loop beats one vectorized call per row.
            for (var r = 0; r < rows; r++)
            {
                var row = y.Slice(r * cols, cols);
                for (var j = 0; j < row.Length; j++)
                {
                    row[j] += b[j];
                }
            }
        }
        else
        {
            for (var r = 0; r < rows; r++)
            {
                var row = y.Slice(r * cols, cols);
                TensorPrimitives.Add(row, b, row);
            }
        }
    }

    /// <summary>sums[j] = Σ_r g[r, j], each column summed over the rows in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnSums(ReadOnlySpan<float> g, int rows, int cols, Span<float> sums)
    {
        var j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Column blocks held in a register across the rows (no per-row call, no re-read of the sums).
            for (; j <= cols - 16; j += 16)
            {
                var acc = Vector512<float>.Zero;
                for (var r = 0; r < rows; r++)
                {
                    acc += Vector512.Create(g.Slice((r * cols) + j, 16));
                }

                acc.CopyTo(sums[j..]);
            }
        }

        for (; j < cols; j++)
        {
            var s = 0f;
            for (var r = 0; r < rows; r++)
            {
                s += g[(r * cols) + j];
            }

            sums[j] = s;
        }
    }
}
