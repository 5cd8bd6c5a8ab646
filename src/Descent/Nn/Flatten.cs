using System.Globalization;

namespace Descent.Nn;

/// <summary>
/// Flattens dimensions <see cref="StartDim"/> through <see cref="EndDim"/> into one (default: everything
/// but the batch dimension, [N, C, H, W] → [N, C·H·W]); equivalent to torch.nn.Flatten. A view: no copy,
/// the gradient flows back unchanged.
/// </summary>
public sealed class Flatten : Module
{
    /// <summary>Creates the layer (negative dimensions count from the end).</summary>
    public Flatten(int startDim = 1, int endDim = -1)
    {
        StartDim = startDim;
        EndDim = endDim;
    }

    /// <summary>First dimension flattened.</summary>
    public int StartDim { get; }

    /// <summary>Last dimension flattened.</summary>
    public int EndDim { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 0)
        {
            return input.Reshape(1);
        }

        var start = ShapeUtil.NormalizeAxis(StartDim, input.Rank);
        var end = ShapeUtil.NormalizeAxis(EndDim, input.Rank);
        if (start > end)
        {
            throw new ArgumentException(
                $"Flatten: start dimension {StartDim} comes after end dimension {EndDim} for shape {ShapeUtil.Format(input.Shape)}", nameof(input));
        }

        var shape = new int[input.Rank - (end - start)];
        var k = 0;
        for (var d = 0; d < start; d++)
        {
            shape[k++] = input.Shape[d];
        }

        var merged = 1;
        for (var d = start; d <= end; d++)
        {
            merged *= input.Shape[d];
        }

        shape[k++] = merged;
        for (var d = end + 1; d < input.Rank; d++)
        {
            shape[k++] = input.Shape[d];
        }

        return input.Reshape(shape);
    }

    /// <inheritdoc />
    protected override string ExtraRepresentation()
        => string.Create(CultureInfo.InvariantCulture, $"start_dim={StartDim}, end_dim={EndDim}");
}
