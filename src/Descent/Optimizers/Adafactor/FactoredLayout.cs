using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Index bookkeeping for Adafactor's factored second moment of one parameter: the row statistics v_row have the
/// parameter's shape without the largest axis (<see cref="ColAxis"/>, averaged over), the column statistics v_col
/// the shape without the second-largest (<see cref="RowAxis"/>); every other axis is a batch axis. Elements are
/// visited row-major as runs along the last axis, in which the v_row and v_col indices advance by 0 or 1.
/// Holds the per-parameter scratch (accumulators and factors) so that a step allocates nothing.
/// </summary>
internal sealed class FactoredLayout
{
    private readonly int[] shape;
    private readonly int[] rowStride;
    private readonly int[] colStride;
    private readonly int[] index;

    public FactoredLayout(ReadOnlySpan<int> shape, int rowAxis, int colAxis)
    {
        this.shape = shape.ToArray();
        RowAxis = rowAxis;
        ColAxis = colAxis;
        var rank = shape.Length;
        rowStride = new int[rank];
        colStride = new int[rank];
        index = new int[rank];
        int rs = 1, cs = 1;
        for (var k = rank - 1; k >= 0; k--)
        {
            rowStride[k] = k == colAxis ? 0 : rs;
            rs *= k == colAxis ? 1 : shape[k];
            colStride[k] = k == rowAxis ? 0 : cs;
            cs *= k == rowAxis ? 1 : shape[k];
        }

        RowCount = rs;
        ColCount = cs;
        Rows = shape[rowAxis];
        Cols = shape[colAxis];
        Length = RowCount * Cols;
        Last = shape[rank - 1];
        RowInner = rowStride[rank - 1];
        ColInner = colStride[rank - 1];

        // v_row is row-major over the axes other than ColAxis; RowAxis sits at position reducedRow there.
        var reducedRow = rowAxis - (rowAxis > colAxis ? 1 : 0);
        var vrShape = this.shape.Where((_, k) => k != colAxis).ToArray();
        RowOuter = 1;
        for (var k = 0; k < reducedRow; k++)
        {
            RowOuter *= vrShape[k];
        }

        RowInnerSize = 1;
        for (var k = reducedRow + 1; k < vrShape.Length; k++)
        {
            RowInnerSize *= vrShape[k];
        }

        RowAcc = new double[RowCount];
        ColAcc = new double[ColCount];
        RowFactor = new float[RowCount];
        ColFactor = new float[ColCount];
        RowColMean = new float[RowOuter * RowInnerSize];
    }

    /// <summary>The second-largest axis (kept by v_row, averaged over for v_col); Optax's <c>d1</c>.</summary>
    public int RowAxis { get; }

    /// <summary>The largest axis (kept by v_col, averaged over for v_row); Optax's <c>d0</c>.</summary>
    public int ColAxis { get; }

    public int Length { get; }

    public int Rows { get; }

    public int Cols { get; }

    public int RowCount { get; }

    public int ColCount { get; }

    /// <summary>Size of the last axis (the length of a run).</summary>
    public int Last { get; }

    /// <summary>Step of the v_row index along a run (0 or 1).</summary>
    public int RowInner { get; }

    /// <summary>Step of the v_col index along a run (0 or 1).</summary>
    public int ColInner { get; }

    /// <summary>Product of the v_row dimensions before the row axis.</summary>
    public int RowOuter { get; }

    /// <summary>Product of the v_row dimensions after the row axis.</summary>
    public int RowInnerSize { get; }

    public double[] RowAcc { get; }

    public double[] ColAcc { get; }

    public float[] RowFactor { get; }

    public float[] ColFactor { get; }

    public float[] RowColMean { get; }

    /// <summary>Number of runs (elements / last-axis size).</summary>
    public int Runs => Last == 0 ? 0 : Length / Last;

    /// <summary>Starts a walk over the runs; then call <see cref="Next"/> after each run.</summary>
    public void Reset(out int rowBase, out int colBase)
    {
        Array.Clear(index);
        rowBase = 0;
        colBase = 0;
    }

    /// <summary>Advances the odometer over all axes but the last by one run.</summary>
    public void Next(ref int rowBase, ref int colBase)
    {
        for (var k = shape.Length - 2; k >= 0; k--)
        {
            index[k]++;
            rowBase += rowStride[k];
            colBase += colStride[k];
            if (index[k] < shape[k])
            {
                return;
            }

            rowBase -= shape[k] * rowStride[k];
            colBase -= shape[k] * colStride[k];
            index[k] = 0;
        }
    }
}
