namespace Descent.Optimizers.Kernels;

/// <summary>A tensor's storage (buffer and offset) kept in a reusable kernel job, where spans cannot live.</summary>
internal readonly struct BufferSlice
{
    private readonly float[]? array;
    private readonly int offset;

    public BufferSlice(Tensor? tensor)
    {
        array = tensor?.Buffer;
        offset = tensor?.Offset ?? 0;
    }

    /// <summary>Elements [start, end) of the tensor, or an empty span when there is no tensor.</summary>
    public Span<float> Slice(int start, int end) =>
        array is null ? Span<float>.Empty : new Span<float>(array, offset + start, end - start);
}
