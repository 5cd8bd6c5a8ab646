using Descent.Autodiff.Ops;

namespace Descent.Nn.Losses;

/// <summary>
/// Mean squared error, Σ (input − target)² divided by the element count (<see cref="Reduction.Mean"/>) or not
/// (<see cref="Reduction.Sum"/>); equivalent to torch.nn.MSELoss. Input and target must have the same shape;
/// both may require gradients.
/// </summary>
public sealed class MseLoss
{
    /// <summary>Creates the loss with the given reduction (default mean).</summary>
    public MseLoss(Reduction reduction = Reduction.Mean)
    {
        if (!Enum.IsDefined(reduction))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "must be Mean or Sum");
        }

        Reduction = reduction;
    }

    /// <summary>The reduction.</summary>
    public Reduction Reduction { get; }

    /// <summary>The loss, a 0-D tensor.</summary>
    public Tensor Forward(Tensor input, Tensor target) => MseLossOp.Forward(input, target, Reduction == Reduction.Mean);
}
