namespace Descent.Optimizers;

/// <summary>
/// Per-parameter state made of a fixed list of buffers, each with its state-dict key (PyTorch's), declared once
/// by the subclass's constructor; <see cref="ParameterState.Tensors"/> lists them in that order.
/// </summary>
public abstract class BufferState : ParameterState
{
    private readonly Tensor[] buffers;
    private readonly KeyValuePair<string, Tensor>[] named;

    /// <summary>Creates the state around its buffers (none may be null), in state-dict order.</summary>
    protected BufferState(params ReadOnlySpan<(string Key, Tensor Buffer)> buffers)
    {
        this.buffers = new Tensor[buffers.Length];
        named = new KeyValuePair<string, Tensor>[buffers.Length];
        for (var i = 0; i < buffers.Length; i++)
        {
            var (key, buffer) = buffers[i];
            ArgumentNullException.ThrowIfNull(buffer, key);
            this.buffers[i] = buffer;
            named[i] = new(key, buffer);
        }
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors => named.AsReadOnly();

    /// <summary>The buffer at <paramref name="index"/> in constructor order.</summary>
    protected Tensor Buffer(int index) => buffers[index];
}
