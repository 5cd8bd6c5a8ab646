namespace Descent.Nn;

/// <summary>Batch normalization of [N, C] or [N, C, L] inputs per channel C; equivalent to
/// torch.nn.BatchNorm1d (see <see cref="BatchNorm"/>).</summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer (PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics).</summary>
    public BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
        : base(numFeatures, eps, momentum, affine, trackRunningStats)
    {
    }

    /// <inheritdoc />
    protected override string ExpectedInput => "[N, C] or [N, C, L]";

    /// <inheritdoc />
    protected override bool AcceptsRank(int rank) => rank is 2 or 3;
}
