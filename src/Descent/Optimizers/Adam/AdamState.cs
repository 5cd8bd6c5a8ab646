namespace Descent.Optimizers;

/// <summary>
/// The state of one parameter of Adam, AdamW and RAdam: the first and second moment averages, and the running
/// maximum of the second moment only with AMSGrad — 8 bytes per parameter otherwise.
/// </summary>
public sealed class AdamState : ParameterState
{
    /// <summary>Creates zero moments for a parameter of the given shape.</summary>
    public AdamState(ReadOnlySpan<int> shape, bool amsgrad)
    {
        ExpAvg = new Tensor(shape);
        ExpAvgSq = new Tensor(shape);
        MaxExpAvgSq = amsgrad ? new Tensor(shape) : null;
    }

    /// <summary>First moment m (PyTorch: <c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; }

    /// <summary>Second moment v (PyTorch: <c>exp_avg_sq</c>).</summary>
    public Tensor ExpAvgSq { get; }

    /// <summary>Running maximum of v, AMSGrad only (PyTorch: <c>max_exp_avg_sq</c>).</summary>
    public Tensor? MaxExpAvgSq { get; set; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            yield return new("exp_avg", ExpAvg);
            yield return new("exp_avg_sq", ExpAvgSq);
            if (MaxExpAvgSq is not null)
            {
                yield return new("max_exp_avg_sq", MaxExpAvgSq);
            }
        }
    }
}
