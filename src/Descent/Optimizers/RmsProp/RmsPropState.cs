namespace Descent.Optimizers;

/// <summary>RMSprop's state of one parameter: the squared-gradient average, and the momentum buffer and the
/// gradient average only when momentum / centering are on.</summary>
public sealed class RmsPropState : ParameterState
{
    /// <summary>Creates zero state for a parameter of the given shape.</summary>
    public RmsPropState(ReadOnlySpan<int> shape, bool momentum, bool centered)
    {
        SquareAvg = new Tensor(shape);
        MomentumBuffer = momentum ? new Tensor(shape) : null;
        GradAvg = centered ? new Tensor(shape) : null;
    }

    /// <summary>Average of g² (PyTorch: <c>square_avg</c>).</summary>
    public Tensor SquareAvg { get; }

    /// <summary>Momentum buffer (PyTorch: <c>momentum_buffer</c>), or null without momentum.</summary>
    public Tensor? MomentumBuffer { get; set; }

    /// <summary>Average of g (PyTorch: <c>grad_avg</c>), or null when not centered.</summary>
    public Tensor? GradAvg { get; set; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            yield return new("square_avg", SquareAvg);
            if (MomentumBuffer is not null)
            {
                yield return new("momentum_buffer", MomentumBuffer);
            }

            if (GradAvg is not null)
            {
                yield return new("grad_avg", GradAvg);
            }
        }
    }
}
