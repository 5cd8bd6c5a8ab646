using System.Numerics.Tensors;

namespace Descent.Numerics;

/// <summary>
/// What <see cref="Gemm.MultiplyFused"/> does to each finished tile of C while it is still in cache, so that the output
/// is written once: add a bias per column (a linear layer's), keep a copy of the result (the pre-activation that an
/// activation's backward needs) and apply an element-wise activation in place — or apply it and keep its derivative
/// instead, so that the backward pass multiplies instead of re-evaluating the activation. Each step rounds exactly as the
/// separate pass would (the bias is added to the finished dot product; the activation is the same kernel).
/// </summary>
internal readonly unsafe struct GemmEpilogue
{
    /// <summary>Describes the epilogue; any pointer may be null (that step is skipped).</summary>
    /// <param name="bias">n values added to every row of C.</param>
    /// <param name="preActivation">An m × n matrix (row stride <paramref name="ldPre"/>) receiving C after the bias, before the activation.</param>
    /// <param name="ldPre">Row stride of <paramref name="preActivation"/>.</param>
    /// <param name="activation">y = f(x) element-wise; called with x and y the same span (a tile row).</param>
    public GemmEpilogue(float* bias, float* preActivation, nint ldPre, delegate*<ReadOnlySpan<float>, Span<float>, void> activation)
    {
        Bias = bias;
        PreActivation = preActivation;
        LdPre = ldPre;
        Activation = activation;
    }

    /// <summary>Describes an epilogue that adds <paramref name="bias"/> (or nothing, when null) and applies
    /// <paramref name="activation"/>, which writes f(x) over x and f′(x) into the m × n matrix <paramref name="derivative"/>
    /// (row stride <paramref name="ldDerivative"/>): what the activation's backward pass needs, instead of the
    /// pre-activation.</summary>
    public static GemmEpilogue WithDerivative(float* bias, float* derivative, nint ldDerivative,
        delegate*<ReadOnlySpan<float>, Span<float>, Span<float>, void> activation) =>
        new(bias, null, 0, null) { Derivative = derivative, LdDerivative = ldDerivative, ActivationWithDerivative = activation };

    /// <summary>Where f′ of the activation goes (<see cref="ActivationWithDerivative"/>), or null.</summary>
    public float* Derivative { get; private init; }

    /// <summary>Row stride of <see cref="Derivative"/>.</summary>
    public nint LdDerivative { get; private init; }

    /// <summary>y = f(x) and d = f′(x) element-wise (x and y the same span, a tile row), or null.</summary>
    public delegate*<ReadOnlySpan<float>, Span<float>, Span<float>, void> ActivationWithDerivative { get; private init; }

    /// <summary>The per-column bias, or null.</summary>
    public float* Bias { get; }

    /// <summary>Where the pre-activation values go, or null.</summary>
    public float* PreActivation { get; }

    /// <summary>Row stride of <see cref="PreActivation"/>.</summary>
    public nint LdPre { get; }

    /// <summary>The activation applied in place, or null.</summary>
    public delegate*<ReadOnlySpan<float>, Span<float>, void> Activation { get; }

    /// <summary>Whether the epilogue does anything.</summary>
    public bool IsActive => Bias != null || PreActivation != null || Activation != null || ActivationWithDerivative != null;

    /// <summary>Applies the epilogue to the rows × cols block of C at <paramref name="c"/> (row stride
    /// <paramref name="ldc"/>), whose first element is C[<paramref name="row0"/>, <paramref name="col0"/>].</summary>
    public void Apply(float* c, nint ldc, int row0, int col0, int rows, int cols)
    {
        for (var r = 0; r < rows; r++)
        {
            var row = new Span<float>(c + (r * ldc), cols);
            if (Bias != null)
            {
                TensorPrimitives.Add(row, new ReadOnlySpan<float>(Bias + col0, cols), row);
            }

            if (PreActivation != null)
            {
                row.CopyTo(new Span<float>(PreActivation + ((row0 + r) * LdPre) + col0, cols));
            }

            if (Activation != null)
            {
                Activation(row, row);
            }

            if (ActivationWithDerivative != null)
            {
                ActivationWithDerivative(row, row, new Span<float>(Derivative + ((row0 + r) * LdDerivative) + col0, cols));
            }
        }
    }
}
