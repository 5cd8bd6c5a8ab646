using System.Numerics.Tensors;
using Descent.Numerics;

namespace Descent.Autodiff.Ops;

/// <summary>
/// y = x·Wᵀ + b for x [..., in], W [out, in], b [out] (optional), through <see cref="Gemm"/> with the
/// transposed-B form. Backward: dx = dy·W, dW = dyᵀ·x, db = Σ_rows dy — no transpose is materialized.
/// </summary>
internal sealed class LinearOp : Node
{
    private LinearOp(Tensor x, Tensor weight)
        : base(x, weight)
    {
    }

    private LinearOp(Tensor x, Tensor weight, Tensor bias)
        : base(x, weight, bias)
    {
    }

    public override string Name => "LinearBackward";

    public static Tensor Forward(Tensor x, Tensor weight, Tensor? bias)
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

        var rows = ShapeUtil.Count(x.Shape[..^1]);
        var shape = x.Shape.ToArray();
        shape[^1] = outF;
        var y = new Tensor(shape);
        var sy = y.Span;
        Gemm.Multiply(false, true, rows, outF, inF, 1f, x.Span, inF, weight.Span, inF, 0f, sy, outF);
        if (bias is not null)
        {
            var sb = bias.Span;
            if (outF < 16)
            {
                // Narrow outputs: a plain loop beats one vectorized call per row.
                for (var r = 0; r < rows; r++)
                {
                    var row = sy.Slice(r * outF, outF);
                    for (var j = 0; j < row.Length; j++)
                    {
                        row[j] += sb[j];
                    }
                }
            }
            else
            {
                for (var r = 0; r < rows; r++)
                {
                    var row = sy.Slice(r * outF, outF);
                    TensorPrimitives.Add(row, sb, row);
                }
            }
        }

        var record = bias is null ? Tape.ShouldRecord(x, weight) : Tape.ShouldRecord([x, weight, bias]);
        if (!record)
        {
            return y;
        }

        return Tape.Record(y, bias is null ? new LinearOp(x, weight) : new LinearOp(x, weight, bias));
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        var w = Inputs[1];
        int outF = w.Shape[0], inF = w.Shape[1];
        var rows = ShapeUtil.Count(x.Shape[..^1]);
        if (x.RequiresGrad)
        {
            var buffer = ArrayPoolBuffer.Rent(x.Length);
            var gx = buffer.AsSpan(0, x.Length);
            Gemm.Multiply(false, false, rows, inF, outF, 1f, gradOutput, outF, w.Span, inF, 0f, gx, inF);
            x.AccumulateGrad(gx);
            ArrayPoolBuffer.Return(buffer);
        }

        if (w.RequiresGrad)
        {
            var buffer = ArrayPoolBuffer.Rent(w.Length);
            var gw = buffer.AsSpan(0, w.Length);
            Gemm.Multiply(true, false, outF, inF, rows, 1f, gradOutput, outF, x.Span, inF, 0f, gw, inF);
            w.AccumulateGrad(gw);
            ArrayPoolBuffer.Return(buffer);
        }

        if (Inputs.Count > 2 && Inputs[2].RequiresGrad)
        {
            var b = Inputs[2];
            var buffer = ArrayPoolBuffer.Rent(outF);
            var gb = buffer.AsSpan(0, outF);
            gb.Clear();
            if (outF < 16)
            {
                for (var r = 0; r < rows; r++)
                {
                    var row = gradOutput.Slice(r * outF, outF);
                    for (var j = 0; j < row.Length; j++)
                    {
                        gb[j] += row[j];
                    }
                }
            }
            else
            {
                for (var r = 0; r < rows; r++)
                {
                    TensorPrimitives.Add(gb, gradOutput.Slice(r * outF, outF), gb);
                }
            }

            b.AccumulateGrad(gb);
            ArrayPoolBuffer.Return(buffer);
        }
    }
}
