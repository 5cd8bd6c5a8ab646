using Descent.Lab.Functions;

namespace Descent.Experiments.TestFunctions;

/// <summary>Beale's function f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: flat plateaus and
/// sharp ridges; minimum 0 at (3, 0.5).</summary>
public sealed class Beale : TestFunction
{
    /// <inheritdoc />
    public override string Name => TaskKinds.Beale;

    /// <inheritdoc />
    public override string Formula => "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²";

    /// <inheritdoc />
    public override (double X, double Y) DefaultStart => (1.0, 1.5);

    /// <inheritdoc />
    public override IReadOnlyList<(double X, double Y)> Minima { get; } = [(3.0, 0.5)];

    /// <inheritdoc />
    public override (double XMin, double XMax, double YMin, double YMax) PlotWindow => (-1.0, 4.5, -2.0, 2.5);

    /// <inheritdoc />
    public override double Value(double x, double y)
    {
        var (a, b, c) = Terms(x, y);
        return (a * a) + (b * b) + (c * c);
    }

    /// <inheritdoc />
    public override (double Dx, double Dy) Gradient(double x, double y)
    {
        var (a, b, c) = Terms(x, y);
        var dx = (2 * a * (y - 1)) + (2 * b * ((y * y) - 1)) + (2 * c * ((y * y * y) - 1));
        var dy = (2 * a * x) + (2 * b * 2 * x * y) + (2 * c * 3 * x * y * y);
        return (dx, dy);
    }

    private static (double A, double B, double C) Terms(double x, double y) =>
        (1.5 - x + (x * y), 2.25 - x + (x * y * y), 2.625 - x + (x * y * y * y));
}
