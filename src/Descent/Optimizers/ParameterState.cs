namespace Descent.Optimizers;

/// <summary>
/// The typed optimizer state of one parameter. Subclasses hold their tensors as fields (e.g. Adam's
/// <c>ExpAvg</c>, <c>ExpAvgSq</c>) and list them under PyTorch's state_dict keys for saving and loading.
/// </summary>
public abstract class ParameterState
{
    /// <summary>Number of updates this parameter has received (PyTorch: <c>step</c>).</summary>
    public long Step { get; set; }

    /// <summary>The state tensors by PyTorch key (<c>exp_avg</c>, <c>momentum_buffer</c>, …), in a fixed order.</summary>
    public abstract IEnumerable<KeyValuePair<string, Tensor>> Tensors { get; }

    /// <summary>The state buffers that are not float32 (8-bit codes, bfloat16 bits) by key, saved by checkpoints
    /// in their own element type; none by default.</summary>
    public virtual IEnumerable<KeyValuePair<string, PackedStateBuffer>> PackedBuffers => [];

    /// <summary>Bytes of optimizer state this parameter holds: 4 per float32 element of <see cref="Tensors"/>
    /// plus the packed buffers.</summary>
    public virtual long Bytes
    {
        get
        {
            long total = 0;
            foreach (var (_, t) in Tensors)
            {
                total += 4L * t.Length;
            }

            foreach (var (_, b) in PackedBuffers)
            {
                total += b.Bytes;
            }

            return total;
        }
    }
}
