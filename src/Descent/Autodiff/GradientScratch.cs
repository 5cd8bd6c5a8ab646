namespace Descent.Autodiff;

/// <summary>
/// Pooled scratch for one input's gradient in a backward pass: rent it (<see cref="For"/>), write every element of
/// <see cref="Span"/>, then <see cref="AccumulateInto"/> adds it into the input's gradient and returns the storage
/// to <see cref="ArrayPoolBuffer"/>.
/// </summary>
internal readonly ref struct GradientScratch
{
    private readonly float[] buffer;

    private GradientScratch(int length)
    {
        buffer = ArrayPoolBuffer.Rent(length);
        Span = buffer.AsSpan(0, length);
    }

    /// <summary>The gradient, as long as the input (contents unspecified until written).</summary>
    public Span<float> Span { get; }

    /// <summary>Scratch for the gradient of <paramref name="input"/>.</summary>
    public static GradientScratch For(Tensor input) => new(input.Length);

    /// <summary>Adds the scratch into <paramref name="input"/>'s gradient and returns it to the pool.</summary>
    public void AccumulateInto(Tensor input)
    {
        input.AccumulateGrad(Span);
        ArrayPoolBuffer.Return(buffer);
    }
}
