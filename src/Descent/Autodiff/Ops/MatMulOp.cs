using Descent.Numerics;

namespace Descent.Autodiff.Ops;

/// <summary>
/// Matrix product through <see cref="Gemm"/>: [m,k]·[k,n] → [m,n]; [B,m,k]·[k,n] → [B,m,n] (computed as one
/// [B·m,k]·[k,n] product); [B,m,k]·[B,k,n] → [B,m,n]. Backward: dA = dC·Bᵀ and dB = Aᵀ·dC, using the
/// transposed GEMM forms (no transpose is materialized).
/// </summary>
internal sealed class MatMulOp : Node
{
    private MatMulOp(Tensor a, Tensor b)
        : base(a, b)
    {
    }

    public override string Name => "MmBackward";

    public static Tensor Forward(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (batch, m, k, n, batchedB) = Dimensions(a.Shape, b.Shape);
        var y = a.Rank == 2 ? Tensor.Output([m, n]) : Tensor.Output([a.Shape[0], a.Shape[1], n]);
        if (!batchedB)
        {
            Gemm.Multiply(false, false, batch * m, n, k, 1f, a.Span, k, b.Span, n, 0f, y.Span, n);
        }
        else
        {
            Gemm.MultiplyBatched(batch, false, false, m, n, k, 1f, a.Span, k, m * k, b.Span, n, k * n, 0f, y.Span, n, m * n);
        }

        return Tape.ShouldRecord(a, b) ? Tape.Record(y, new MatMulOp(a, b)) : y;
    }

    private static (int Batch, int M, int K, int N, bool BatchedB) Dimensions(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.Length == 2 && b.Length == 2 && a[1] == b[0])
        {
            return (1, a[0], a[1], b[1], false);
        }

        if (a.Length == 3 && b.Length == 2 && a[2] == b[0])
        {
            return (a[0], a[1], a[2], b[1], false);
        }

        if (a.Length == 3 && b.Length == 3 && a[0] == b[0] && a[2] == b[1])
        {
            return (a[0], a[1], a[2], b[2], true);
        }

        var detail = (a.Length, b.Length) switch
        {
            (2, 2) or (3, 2) => $"inner dimensions {a[^1]} and {b[0]} differ",
            (3, 3) when a[0] != b[0] => $"batch sizes {a[0]} and {b[0]} differ",
            (3, 3) => $"inner dimensions {a[2]} and {b[1]} differ",
            _ => "MatMul supports [m,k]·[k,n], [B,m,k]·[k,n] and [B,m,k]·[B,k,n]",
        };
        throw new ShapeMismatchException("MatMul", a, b, detail);
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var a = Inputs[0];
        var b = Inputs[1];
        var (batch, m, k, n, batchedB) = Dimensions(a.Shape, b.Shape);
        if (!batchedB)
        {
            m *= batch;
            batch = 1;
        }

        if (a.RequiresGrad)
        {
            // dA = dC · Bᵀ : [m,n]·[n,k] per batch entry
            var ga = GradientScratch.For(a);
            Gemm.MultiplyBatched(batch, false, true, m, k, n, 1f, gradOutput, n, m * n, b.Span, n, batchedB ? k * n : 0,
                0f, ga.Span, k, m * k);

            ga.AccumulateInto(a);
        }

        if (b.RequiresGrad)
        {
            // dB = Aᵀ · dC : [k,m]·[m,n] per batch entry
            var gb = GradientScratch.For(b);
            Gemm.MultiplyBatched(batch, true, false, k, n, m, 1f, a.Span, k, m * k, gradOutput, n, m * n, 0f, gb.Span, n, k * n);

            gb.AccumulateInto(b);
        }
    }
}
