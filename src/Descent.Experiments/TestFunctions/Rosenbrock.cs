using Descent.Lab.Functions;

namespace Descent.Experiments.TestFunctions;

/// <summary>Rosenbrock's function f = (1 − x)² + 100 (y − x²)²: a curved, narrow valley; minimum 0 at (1, 1).</summary>
public sealed class Rosenbrock : TestFunction
{
    /// <inheritdoc />
    public override string Name => TaskKinds.Rosenbrock;

    /// <inheritdoc />
    public override string Formula => "(1 − x)² + 100·(y − x²)²";

    /// <inheritdoc />
    public override (double X, double Y) DefaultStart => (-1.5, 2.0);

    /// <inheritdoc />
    public override IReadOnlyList<(double X, double Y)> Minima { get; } = [(1.0, 1.0)];

    /// <inheritdoc />
    public override (double XMin, double XMax, double YMin, double YMax) PlotWindow => (-2.0, 2.0, -1.0, 3.0);

    /// <inheritdoc />
    public override double Value(double x, double y)
    {
        var a = 1 - x;
        var b = y - (x * x);
        return (a * a) + (100 * b * b);
    }

    /// <inheritdoc />
    public override (double Dx, double Dy) Gradient(double x, double y)
    {
        var b = y - (x * x);
        return ((-2 * (1 - x)) - (400 * x * b), 200 * b);
    }
}
