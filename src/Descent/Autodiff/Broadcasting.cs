using System.Numerics.Tensors;

namespace Descent.Autodiff;

/// <summary>
/// NumPy broadcasting for element-wise binary operations and its adjoint, the reduction of a gradient back
/// to an operand's shape.
/// </summary>
/// <remarks>
/// Shapes are right-aligned; a dimension of size 1 stretches to the other operand's size. Before looping,
/// adjacent dimensions with the same broadcast pattern are merged, so that the innermost loop is one
/// <see cref="TensorPrimitives"/> call over the longest possible contiguous run: same shapes and scalars are
/// one call; a row vector against a matrix is one call per row; a column against a matrix is one
/// span-by-scalar call per row.
/// </remarks>
internal static class Broadcasting
{
    private const int StackRank = 32;

    /// <summary>The broadcast shape of <paramref name="a"/> and <paramref name="b"/>, or a
    /// <see cref="ShapeMismatchException"/> naming <paramref name="operation"/> and both shapes.</summary>
    public static int[] Shape(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string operation)
    {
        if (a.SequenceEqual(b))
        {
            return a.ToArray();
        }

        var rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = DimOf(a, i, rank);
            var db = DimOf(b, i, rank);
            if (da == db || db == 1)
            {
                result[i] = da;
            }
            else if (da == 1)
            {
                result[i] = db;
            }
            else
            {
                throw new ShapeMismatchException(operation, a, b,
                    $"dimension {i - rank} has sizes {da} and {db}; broadcasting needs them equal or one of them 1");
            }
        }

        return result;
    }

    /// <summary>destination = K(a, b) with <paramref name="a"/> and <paramref name="b"/> broadcast to
    /// <paramref name="outShape"/> (which must be their broadcast shape).</summary>
    public static void Binary<TKernel>(
        ReadOnlySpan<float> a, ReadOnlySpan<int> aShape, ReadOnlySpan<float> b, ReadOnlySpan<int> bShape,
        Span<float> destination, ReadOnlySpan<int> outShape)
        where TKernel : IBinaryKernel
    {
        var length = destination.Length;
        if (length == 0)
        {
            return;
        }

        if (a.Length == length && b.Length == length)
        {
            TKernel.Apply(a, b, destination);
            return;
        }

        if (b.Length == 1 && a.Length == length)
        {
            TKernel.Apply(a, b[0], destination);
            return;
        }

        if (a.Length == 1 && b.Length == length)
        {
            TKernel.Apply(a[0], b, destination);
            return;
        }

        var rank = outShape.Length;
        Span<int> work = rank <= StackRank ? stackalloc int[4 * StackRank] : new int[4 * rank];
        var dims = work[..rank];
        var aStride = work.Slice(rank, rank);
        var bStride = work.Slice(2 * rank, rank);
        var index = work.Slice(3 * rank, rank);
        var r = Coalesce(outShape, aShape, bShape, dims, aStride, bStride);
        if (r == 0)
        {
            destination[0] = TKernel.Apply(a[0], b[0]);
            return;
        }

        var n = dims[r - 1];
        var aInner = aStride[r - 1] != 0;
        var bInner = bStride[r - 1] != 0;
        index[..r].Clear();
        int ao = 0, bo = 0;
        for (var off = 0; off < length; off += n)
        {
            var d = destination.Slice(off, n);
            if (aInner && bInner)
            {
                TKernel.Apply(a.Slice(ao, n), b.Slice(bo, n), d);
            }
            else if (aInner)
            {
                TKernel.Apply(a.Slice(ao, n), b[bo], d);
            }
            else
            {
                TKernel.Apply(a[ao], b.Slice(bo, n), d);
            }

            for (var k = r - 2; k >= 0; k--)
            {
                ao += aStride[k];
                bo += bStride[k];
                if (++index[k] < dims[k])
                {
                    break;
                }

                ao -= aStride[k] * dims[k];
                bo -= bStride[k] * dims[k];
                index[k] = 0;
            }
        }
    }

    /// <summary>
    /// destination (shape <paramref name="inShape"/>) = the sum of <paramref name="gradient"/> (shape
    /// <paramref name="outShape"/>) over the dimensions along which <paramref name="inShape"/> was broadcast.
    /// </summary>
    public static void ReduceTo(ReadOnlySpan<float> gradient, ReadOnlySpan<int> outShape, Span<float> destination, ReadOnlySpan<int> inShape)
    {
        if (destination.Length == gradient.Length)
        {
            gradient.CopyTo(destination);
            return;
        }

        destination.Clear();
        if (gradient.Length == 0)
        {
            return;
        }

        if (destination.Length == 1)
        {
            destination[0] = TensorPrimitives.Sum(gradient);
            return;
        }

        var rank = outShape.Length;
        Span<int> work = rank <= StackRank ? stackalloc int[4 * StackRank] : new int[4 * rank];
        var dims = work[..rank];
        var gStride = work.Slice(rank, rank);
        var dStride = work.Slice(2 * rank, rank);
        var index = work.Slice(3 * rank, rank);
        var r = Coalesce(outShape, outShape, inShape, dims, gStride, dStride);
        var n = dims[r - 1];
        var dInner = dStride[r - 1] != 0;
        index[..r].Clear();
        var dof = 0;
        for (var go = 0; go < gradient.Length; go += n)
        {
            var g = gradient.Slice(go, n);
            if (dInner)
            {
                var d = destination.Slice(dof, n);
                TensorPrimitives.Add(d, g, d);
            }
            else
            {
                destination[dof] += TensorPrimitives.Sum(g);
            }

            for (var k = r - 2; k >= 0; k--)
            {
                dof += dStride[k];
                if (++index[k] < dims[k])
                {
                    break;
                }

                dof -= dStride[k] * dims[k];
                index[k] = 0;
            }
        }
    }

    /// <summary>Adds <paramref name="gradient"/> (shape <paramref name="outShape"/>) into
    /// <paramref name="input"/>'s gradient, summed over the dimensions along which the input was broadcast.</summary>
    public static void AccumulateReduced(Tensor input, ReadOnlySpan<float> gradient, ReadOnlySpan<int> outShape)
    {
        if (input.Length == gradient.Length)
        {
            input.AccumulateGrad(gradient);
            return;
        }

        var reduced = GradientScratch.For(input);
        ReduceTo(gradient, outShape, reduced.Span, input.Shape);
        reduced.AccumulateInto(input);
    }

    private static int DimOf(ReadOnlySpan<int> shape, int i, int rank)
    {
        var j = i - (rank - shape.Length);
        return j >= 0 ? shape[j] : 1;
    }

    /// <summary>Drops size-1 output dimensions, merges adjacent dimensions with the same broadcast pattern and
    /// computes each operand's element stride per merged dimension (0 where it is broadcast).</summary>
    private static int Coalesce(
        ReadOnlySpan<int> outShape, ReadOnlySpan<int> aShape, ReadOnlySpan<int> bShape,
        Span<int> dims, Span<int> aStride, Span<int> bStride)
    {
        var rank = outShape.Length;
        var r = 0;
        var previous = -1;
        for (var d = 0; d < rank; d++)
        {
            var n = outShape[d];
            if (n == 1)
            {
                continue;
            }

            var pattern = (DimOf(aShape, d, rank) == 1 ? 1 : 0) | (DimOf(bShape, d, rank) == 1 ? 2 : 0);
            if (pattern == previous)
            {
                dims[r - 1] *= n;
            }
            else
            {
                dims[r] = n;
                aStride[r] = pattern; // the pattern is parked here until the strides are computed below
                r++;
                previous = pattern;
            }
        }

        int sa = 1, sb = 1;
        for (var i = r - 1; i >= 0; i--)
        {
            var pattern = aStride[i];
            if ((pattern & 1) != 0)
            {
                aStride[i] = 0;
            }
            else
            {
                aStride[i] = sa;
                sa *= dims[i];
            }

            if ((pattern & 2) != 0)
            {
                bStride[i] = 0;
            }
            else
            {
                bStride[i] = sb;
                sb *= dims[i];
            }
        }

        return r;
    }
}
