namespace Descent.Nn;

/// <summary>Batch normalization of [N, C, H, W] inputs per channel C; equivalent to torch.nn.BatchNorm2d
/// (see <see cref="BatchNorm"/>).</summary>
public sealed class BatchNorm2d : BatchNorm
{
    /// <summary>Creates the layer (PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics).</summary>
    public BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
        : base(numFeatures, eps, momentum, affine, trackRunningStats)
    {
    }

    /// <inheritdoc />
    protected override string ExpectedInput => "[N, C, H, W]";

    /// <inheritdoc />
    protected override bool AcceptsRank(int rank) => rank == 4;
}
