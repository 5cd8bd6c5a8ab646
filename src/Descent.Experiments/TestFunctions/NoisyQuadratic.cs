using Descent.Lab.Functions;

namespace Descent.Experiments.TestFunctions;

/// <summary>
/// An ill-conditioned quadratic f = ½(x² + 10 y²) (condition number 10), minimum 0 at the origin. Its task
/// adds seeded Gaussian noise to every gradient (default standard deviation 1), the classic setting where
/// a constant learning rate stalls at a noise floor.
/// </summary>
public sealed class NoisyQuadratic : TestFunction
{
    /// <inheritdoc />
    public override string Name => TaskKinds.NoisyQuadratic;

    /// <inheritdoc />
    public override string Formula => "½·(x² + 10·y²), noisy gradients";

    /// <inheritdoc />
    public override (double X, double Y) DefaultStart => (3.0, 2.0);

    /// <inheritdoc />
    public override IReadOnlyList<(double X, double Y)> Minima { get; } = [(0.0, 0.0)];

    /// <inheritdoc />
    public override (double XMin, double XMax, double YMin, double YMax) PlotWindow => (-4.0, 4.0, -3.0, 3.0);

    /// <inheritdoc />
    public override double Value(double x, double y) => 0.5 * ((x * x) + (10 * y * y));

    /// <inheritdoc />
    public override (double Dx, double Dy) Gradient(double x, double y) => (x, 10 * y);
}
