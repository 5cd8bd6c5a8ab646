using Descent.Autodiff.Ops;

namespace Descent.Nn;

/// <summary>
/// Batch normalization (the shared implementation of <see cref="BatchNorm1d"/> and
/// <see cref="BatchNorm2d"/>), equivalent to torch.nn.BatchNorm*: parameters "weight" (γ, ones) and
/// "bias" (β, zeros) when affine; buffers "running_mean" (zeros), "running_var" (ones) and
/// "num_batches_tracked" (a 0-dimensional count) when tracking running statistics.
/// </summary>
/// <remarks>
/// Training mode normalizes with the batch mean and biased variance and updates the running statistics:
/// r ← (1 − m)·r + m·s with momentum m (default 0.1) and the unbiased batch variance for running_var;
/// with <see cref="Momentum"/> null it keeps the cumulative average (m = 1 / num_batches_tracked), as
/// PyTorch's momentum=None. Evaluation mode uses the running statistics.
/// </remarks>
public abstract class BatchNorm : Module
{
    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    protected BatchNorm(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numFeatures);
        if (!(eps > 0) || double.IsInfinity(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive and finite");
        }

        if (momentum is { } m && !(m >= 0 && m <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), m, "momentum must be in [0, 1] (or null for a cumulative average)");
        }

        NumFeatures = numFeatures;
        Epsilon = eps;
        Momentum = momentum;
        Weight = RegisterParameter("weight", affine ? new Parameter(Tensor.Ones(numFeatures)) : null);
        Bias = RegisterParameter("bias", affine ? new Parameter(numFeatures) : null);
        RunningMean = RegisterBuffer("running_mean", trackRunningStats ? Tensor.Zeros(numFeatures) : null);
        RunningVar = RegisterBuffer("running_var", trackRunningStats ? Tensor.Ones(numFeatures) : null);
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", trackRunningStats ? Tensor.Scalar(0f) : null);
    }

    /// <summary>Number of channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance (default 1e-5).</summary>
    public double Epsilon { get; }

    /// <summary>Weight of the new batch statistic in the running average (default 0.1); null for a
    /// cumulative average.</summary>
    public double? Momentum { get; }

    /// <summary>γ, [C], or null when not affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>β, [C], or null when not affine.</summary>
    public Parameter? Bias { get; }

    /// <summary>Running mean, [C], or null when not tracking.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running (unbiased) variance, [C], or null when not tracking.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Number of training batches seen (0-dimensional; saved as PyTorch's int64 buffer), or null.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>The input rank(s) this layer accepts, for the error message.</summary>
    protected abstract string ExpectedInput { get; }

    /// <summary>Whether <paramref name="rank"/> is accepted.</summary>
    protected abstract bool AcceptsRank(int rank);

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!AcceptsRank(input.Rank) || input.Shape[1] != NumFeatures)
        {
            throw new ArgumentException(
                $"{GetType().Name}({NumFeatures}): expected input {ExpectedInput} with C = {NumFeatures}, got shape {ShapeUtil.Format(input.Shape)}",
                nameof(input));
        }

        var momentum = Momentum ?? 0.0;
        if (IsTraining && NumBatchesTracked is not null)
        {
            NumBatchesTracked.Span[0] += 1f;
            if (Momentum is null)
            {
                momentum = 1.0 / NumBatchesTracked.Span[0];
            }
        }

        return BatchNormOp.Forward(input, Weight, Bias, RunningMean, RunningVar, IsTraining || RunningMean is null, momentum, Epsilon);
    }
}
