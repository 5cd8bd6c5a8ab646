namespace Descent.Lab.Tasks;

/// <summary>What one run of a task keeps in memory besides its optimizer's state (<see cref="ILabTask.Footprint"/>): the
/// number of trainable parameters (each also has a gradient and the optimizer's state) and the bytes of activations and
/// data a step holds at its peak.</summary>
/// <param name="Parameters">Trainable parameters (float32 values).</param>
/// <param name="ActivationBytes">Peak bytes of a step's activations, their gradients and the batch.</param>
public sealed record MemoryFootprint(long Parameters, long ActivationBytes)
{
    /// <summary>Training samples one step processes (the mini-batch), for the time estimate; null when unknown.</summary>
    public long? SamplesPerStep { get; init; }

    /// <summary>Training samples one epoch processes, for the time estimate; null when unknown.</summary>
    public long? SamplesPerEpoch { get; init; }

    /// <summary>The footprint of an MLP <c>inputs → widths…</c> (each layer a Linear with bias) over
    /// <paramref name="rows"/> samples at once: its weights and biases, and per row the input plus
    /// <paramref name="valuesPerUnit"/> float32 values per unit (a layer's output, its activation and their gradients: 4;
    /// with a dropout mask and its output: 6).</summary>
    public static MemoryFootprint Mlp(long inputs, IEnumerable<int> widths, long rows, int valuesPerUnit = 4)
    {
        ArgumentNullException.ThrowIfNull(widths);
        long parameters = 0, units = 0, width = inputs;
        foreach (var w in widths)
        {
            parameters += (width * w) + w;
            units += w;
            width = w;
        }

        return new MemoryFootprint(parameters, rows * (inputs + (valuesPerUnit * units)) * sizeof(float));
    }
}
