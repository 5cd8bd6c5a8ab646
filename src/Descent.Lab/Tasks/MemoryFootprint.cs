namespace Descent.Lab.Tasks;

/// <summary>What one run of a task keeps in memory besides its optimizer's state (<see cref="ILabTask.Footprint"/>): the
/// number of trainable parameters (each also has a gradient and the optimizer's state) and the bytes of activations and
/// data a step holds at its peak.</summary>
/// <param name="Parameters">Trainable parameters (float32 values).</param>
/// <param name="ActivationBytes">Peak bytes of a step's activations, their gradients and the batch.</param>
public sealed record MemoryFootprint(long Parameters, long ActivationBytes);
