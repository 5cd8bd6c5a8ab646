using Descent.Lab.Functions;

namespace Descent.Experiments.TestFunctions;

/// <summary>Himmelblau's function f = (x² + y − 11)² + (x + y² − 7)²: four minima of value 0, at (3, 2),
/// (−2.805118, 3.131312), (−3.779310, −3.283186) and (3.584428, −1.848126).</summary>
public sealed class Himmelblau : TestFunction
{
    /// <inheritdoc />
    public override string Name => TaskKinds.Himmelblau;

    /// <inheritdoc />
    public override string Formula => "(x² + y − 11)² + (x + y² − 7)²";

    /// <inheritdoc />
    public override (double X, double Y) DefaultStart => (-0.5, -0.5);

    /// <inheritdoc />
    public override IReadOnlyList<(double X, double Y)> Minima { get; } =
        [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)];

    /// <inheritdoc />
    public override (double XMin, double XMax, double YMin, double YMax) PlotWindow => (-5.0, 5.0, -5.0, 5.0);

    /// <inheritdoc />
    public override double Value(double x, double y)
    {
        var a = (x * x) + y - 11;
        var b = x + (y * y) - 7;
        return (a * a) + (b * b);
    }

    /// <inheritdoc />
    public override (double Dx, double Dy) Gradient(double x, double y)
    {
        var a = (x * x) + y - 11;
        var b = x + (y * y) - 7;
        return ((4 * x * a) + (2 * b), (2 * a) + (4 * y * b));
    }
}
