using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Sets each group's learning rate to base_lr · λ(epoch) for a user function λ (one for all groups or one per
/// group). Equivalent to <c>torch.optim.lr_scheduler.LambdaLR</c>. The functions are not saved with the state.
/// </summary>
public sealed class LambdaScheduler : LearningRateScheduler
{
    private readonly Func<int, double>[] lambdas;

    /// <summary>Creates the schedule with one function for every group.</summary>
    public LambdaScheduler(Optimizer optimizer, Func<int, double> lambda)
        : this(optimizer, [lambda])
    {
    }

    /// <summary>Creates the schedule with one function per group (or one for all) and sets step 0.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="lambdas">The multiplicative factor as a function of the step index.</param>
    public LambdaScheduler(Optimizer optimizer, IReadOnlyList<Func<int, double>> lambdas)
        : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(lambdas);
        var n = optimizer.Groups.Count;
        if (lambdas.Count != 1 && lambdas.Count != n)
        {
            throw new ArgumentException(
                $"{nameof(lambdas)} must have one function or one per parameter group ({n}), got {lambdas.Count}", nameof(lambdas));
        }

        for (var i = 0; i < lambdas.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(lambdas[i], $"{nameof(lambdas)}[{i}]");
        }

        this.lambdas = lambdas.Count == n ? [.. lambdas] : Enumerable.Repeat(lambdas[0], n).ToArray();
        InitialStep();
    }

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group)
    {
        var factor = lambdas[group](LastEpoch);
        if (!double.IsFinite(factor) || factor < 0)
        {
            throw new InvalidOperationException(
                $"the LambdaLR function of group {group} returned {Require.Fmt(factor)} at step {LastEpoch}; " +
                "it must return a finite value >= 0");
        }

        return BaseLearningRates[group] * factor;
    }
}
