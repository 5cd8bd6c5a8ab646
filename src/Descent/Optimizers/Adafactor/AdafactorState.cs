using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// State of one parameter under <see cref="Adafactor"/>: either factored statistics (<see cref="ExpAvgSqRow"/>,
/// <see cref="ExpAvgSqCol"/>) or a full second moment (<see cref="ExpAvgSq"/>), and the momentum when enabled.
/// </summary>
public sealed class AdafactorState : ParameterState
{
    /// <summary>Creates a factored state (row statistics without the column axis, column statistics without the
    /// row axis).</summary>
    public AdafactorState(ReadOnlySpan<int> parameterShape, int rowAxis, int colAxis, Tensor expAvgSqRow, Tensor expAvgSqCol, Tensor? expAvg)
    {
        ArgumentNullException.ThrowIfNull(expAvgSqRow);
        ArgumentNullException.ThrowIfNull(expAvgSqCol);
        Layout = new FactoredLayout(parameterShape, rowAxis, colAxis);
        if (expAvgSqRow.Length != Layout.RowCount || expAvgSqCol.Length != Layout.ColCount)
        {
            throw new ArgumentException(
                $"factored statistics need {Layout.RowCount} row and {Layout.ColCount} column values, got {expAvgSqRow.Length} and {expAvgSqCol.Length}");
        }

        ExpAvgSqRow = expAvgSqRow;
        ExpAvgSqCol = expAvgSqCol;
        ExpAvg = expAvg;
    }

    /// <summary>Creates an unfactored state.</summary>
    public AdafactorState(Tensor expAvgSq, Tensor? expAvg)
    {
        ArgumentNullException.ThrowIfNull(expAvgSq);
        ExpAvgSq = expAvgSq;
        ExpAvg = expAvg;
    }

    /// <summary>Whether the second moment is factored.</summary>
    public bool IsFactored => Layout is not null;

    /// <summary>The row axis (Optax <c>d1</c>, the second-largest) when factored, else −1.</summary>
    public int RowAxis => Layout?.RowAxis ?? -1;

    /// <summary>The column axis (Optax <c>d0</c>, the largest) when factored, else −1.</summary>
    public int ColAxis => Layout?.ColAxis ?? -1;

    /// <summary>Row statistics, shape of the parameter without the column axis (Optax <c>v_row</c>; key
    /// <c>exp_avg_sq_row</c>), or null.</summary>
    public Tensor? ExpAvgSqRow { get; }

    /// <summary>Column statistics, shape of the parameter without the row axis (Optax <c>v_col</c>; key
    /// <c>exp_avg_sq_col</c>), or null.</summary>
    public Tensor? ExpAvgSqCol { get; }

    /// <summary>Full second moment (Optax <c>v</c>; key <c>exp_avg_sq</c>), or null when factored.</summary>
    public Tensor? ExpAvgSq { get; }

    /// <summary>Momentum of the updates (key <c>exp_avg</c>), or null when momentum is off.</summary>
    public Tensor? ExpAvg { get; internal set; }

    internal FactoredLayout? Layout { get; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            if (ExpAvgSqRow is not null)
            {
                yield return new("exp_avg_sq_row", ExpAvgSqRow);
            }

            if (ExpAvgSqCol is not null)
            {
                yield return new("exp_avg_sq_col", ExpAvgSqCol);
            }

            if (ExpAvgSq is not null)
            {
                yield return new("exp_avg_sq", ExpAvgSq);
            }

            if (ExpAvg is not null)
            {
                yield return new("exp_avg", ExpAvg);
            }
        }
    }
}
