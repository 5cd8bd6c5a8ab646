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
}
