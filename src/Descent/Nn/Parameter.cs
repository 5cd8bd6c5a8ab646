namespace Descent.Nn;

/// <summary>A leaf tensor that a module owns and an optimizer updates; it always requires a gradient
/// unless frozen (<see cref="Tensor.RequiresGrad"/> = false).</summary>
public sealed class Parameter : Tensor
{
    /// <summary>Creates a parameter holding a copy of <paramref name="initial"/>'s values.</summary>
    public Parameter(Tensor initial)
        : base(NotNull(initial).Shape)
    {
        initial.Span.CopyTo(Span);
        RequiresGrad = true;
    }

    private static Tensor NotNull(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));

    /// <summary>Creates a parameter that views existing storage (no copy); used for whole-arena views.</summary>
    internal Parameter(float[] buffer, int offset, ReadOnlySpan<int> shape)
        : base(buffer, offset, shape)
    {
        RequiresGrad = true;
    }

    /// <summary>Creates a zero-filled parameter of the given shape.</summary>
    public Parameter(params ReadOnlySpan<int> shape)
        : base(shape)
    {
        RequiresGrad = true;
    }
}
