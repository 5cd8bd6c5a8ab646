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
    [ThreadStatic]
    private static ColumnJob? columnJob;

    private Tensor? geluDerivative;

    private LinearOp(Tensor x, Tensor weight)
        : base(x, weight)
    {
    }

    private LinearOp(Tensor x, Tensor weight, Tensor bias)
        : base(x, weight, bias)
    {
    }

    public override string Name => geluDerivative is null ? "LinearBackward" : "LinearGeluBackward";

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
        var derivative = gelu && record ? Tensor.Output(shape) : null;
        Product(x.Span, weight.Span, bias, sy, derivative, gelu, path, rows, outF, inF);
        if (!record)
        {
            return y;
        }

        var node = bias is null ? new LinearOp(x, weight) : new LinearOp(x, weight, bias);
        node.geluDerivative = derivative;
        return Tape.Record(y, node);
    }

    /// <summary>y = x·Wᵀ + b into <paramref name="sy"/> for x [rows, in], W [out, in], as <see cref="Forward"/> computes it
    /// (<paramref name="path"/> chooses the fused epilogue or the unfused passes); with <paramref name="gelu"/> the GELU is
    /// applied and GELU′(u) written to <paramref name="derivative"/> when it is given (what the backward pass multiplies by).</summary>
    internal static void Product(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Tensor? bias, Span<float> sy, Tensor? derivative, bool gelu,
        KernelPath path, int rows, int outF, int inF)
    {
        if (gelu || (path != KernelPath.Reference && (long)rows * outF * inF > GemmSmall.Threshold))
        {
            unsafe
            {
                fixed (float* pb = bias is null ? default : bias.Span)
                fixed (float* pd = derivative is null ? default : derivative.Span)
                {
                    // Recorded GELU: keep GELU′(u) (what the backward pass multiplies by) instead of u.
                    var epilogue = !gelu ? new GemmEpilogue(pb, null, 0, null)
                        : pd is null ? new GemmEpilogue(pb, null, 0, &GeluOp.ForwardSimd)
                        : GemmEpilogue.WithDerivative(pb, pd, outF, &GeluOp.ForwardWithDerivativeSimd);
                    Gemm.MultiplyFused(false, true, rows, outF, inF, x, inF, weight, inF, sy, outF, epilogue);
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
        int outF = w.Shape[0];
        var rows = ShapeUtil.Count(x.Shape[..^1]);
        var b = Inputs.Count > 2 && Inputs[2].RequiresGrad ? Inputs[2] : null;
        float[]? preGradient = null;
        float[]? biasBuffer = b is null ? null : ArrayPoolBuffer.Rent(outF);
        if (geluDerivative is not null || biasBuffer is not null)
        {
            // One pass over the output gradient: du = dy · GELU′(u) when fused with a GELU, and the bias gradient Σ_rows du.
            preGradient = geluDerivative is null ? null : ArrayPoolBuffer.Rent(gradOutput.Length);
            ColumnPass(gradOutput, geluDerivative is null ? default : geluDerivative.Span, preGradient, biasBuffer, rows, outF);
            if (preGradient is not null)
            {
                gradOutput = preGradient.AsSpan(0, gradOutput.Length);
            }
        }

        BackwardProduct(x, w, gradOutput, rows);
        if (b is not null)
        {
            b.AccumulateGrad(biasBuffer.AsSpan(0, outF));
            ArrayPoolBuffer.Return(biasBuffer!);
        }

        if (preGradient is not null)
        {
            ArrayPoolBuffer.Return(preGradient);
        }
    }

    /// <summary>The gradients of y = x·Wᵀ (x [rows, in], W [out, in]) given g = dy [rows, out], accumulated into
    /// whichever of x and W requires them: dx = g·W, dW = gᵀ·x, each written by the GEMM straight into the gradient
    /// (beta = 1 adds to an existing one; a new one is overwritten, beta = 0). With <paramref name="lowWeight"/> (a LoRA
    /// adapter's A [r, in] reading the same x), dx also takes the low-rank branch's term <paramref name="lowGradient"/>·A
    /// (<paramref name="lowGradient"/> = dh [rows, r]), accumulated by the GEMM into the same gradient.</summary>
    internal static void BackwardProduct(Tensor x, Tensor w, ReadOnlySpan<float> g, int rows, Tensor? lowWeight = null,
        ReadOnlySpan<float> lowGradient = default)
    {
        int outF = w.Shape[0], inF = w.Shape[1];
        if (x.RequiresGrad)
        {
            var gx = x.GradTarget(out var accumulate);
            Gemm.Multiply(false, false, rows, inF, outF, 1f, g, outF, w.Span, inF, accumulate ? 1f : 0f, gx, inF);
            if (lowWeight is not null)
            {
                var r = lowWeight.Shape[0];
                Gemm.Multiply(false, false, rows, inF, r, 1f, lowGradient, r, lowWeight.Span, inF, 1f, gx, inF);
            }
        }

        if (w.RequiresGrad)
        {
            var gw = w.GradTarget(out var accumulate);
            Gemm.Multiply(true, false, outF, inF, rows, 1f, g, outF, x.Span, inF, accumulate ? 1f : 0f, gw, inF);
        }
    }

    /// <summary>The bias gradient db = Σ_rows g (g [rows, out]), accumulated into <paramref name="bias"/>.</summary>
    internal static void BackwardBias(Tensor bias, ReadOnlySpan<float> g, int rows)
    {
        var outF = bias.Length;
        var buffer = ArrayPoolBuffer.Rent(outF);
        ColumnPass(g, default, null, buffer, rows, outF);
        bias.AccumulateGrad(buffer.AsSpan(0, outF));
        ArrayPoolBuffer.Return(buffer);
    }

    /// <summary>Over g [rows, cols]: du = g ⊙ <paramref name="derivative"/> into <paramref name="du"/> (when both are
    /// given) and the column sums of du (or of g) into <paramref name="sums"/> (when given), each column summed over the
    /// rows in order; columns split across the cores.</summary>
    private static unsafe void ColumnPass(ReadOnlySpan<float> g, ReadOnlySpan<float> derivative, float[]? du, float[]? sums, int rows, int cols)
    {
        fixed (float* pg = g, pd = derivative, pu = du, ps = sums)
        {
            var job = columnJob ??= new ColumnJob();
            try
            {
                job.G = pg;
                job.D = pd;
                job.Du = pd is null ? null : pu;
                job.Sums = ps;
                job.Rows = rows;
                job.Cols = cols;
                if (ps is not null)
                {
                    new Span<float>(ps, cols).Clear();
                }

                // Column blocks of 16; enough rows × columns per worker to pay for the hand-off.
                var blocks = (cols + 15) / 16;
                ParallelRange.For(blocks, Math.Max(1, (1 << 15) / Math.Max(1, 16 * rows)), job);
            }
            finally
            {
                job.G = job.D = job.Du = job.Sums = null;
            }
        }
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

    /// <summary>The column pass over the column blocks [start, end) (16 columns each; the last may be narrower): rows in
    /// order, sums accumulated in place, so every column's sum has the rounding of a sequential loop over the rows.</summary>
    private sealed unsafe class ColumnJob : IRangeJob
    {
        public float* G, D, Du, Sums;
        public int Rows, Cols;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int start, int end)
        {
            int c0 = start * 16, c1 = Math.Min(Cols, end * 16);
            var full = Vector512.IsHardwareAccelerated ? c0 + ((c1 - c0) & ~15) : c0;
            for (var r = 0; r < Rows; r++)
            {
                var at = (long)r * Cols;
                var j = c0;
                for (; j < full; j += 16)
                {
                    var v = Vector512.Load(G + at + j);
                    if (D is not null)
                    {
                        v *= Vector512.Load(D + at + j);
                        v.Store(Du + at + j);
                    }

                    if (Sums is not null)
                    {
                        (Vector512.Load(Sums + j) + v).Store(Sums + j);
                    }
                }

                for (; j < c1; j++)
                {
                    var v = G[at + j];
                    if (D is not null)
                    {
                        v *= D[at + j];
                        Du[at + j] = v;
                    }

                    if (Sums is not null)
                    {
                        Sums[j] += v;
                    }
                }
            }
        }
    }
}
