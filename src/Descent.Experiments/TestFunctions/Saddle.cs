using Descent.Lab.Functions;

namespace Descent.Experiments.TestFunctions;

/// <summary>
/// A saddle bounded below: f = x² − y² + y⁴/2. The origin is a saddle point (a plain x² − y² would be
/// unbounded, so runs could only end by overflowing); the quartic term gives two minima of value −0.5 at
/// (0, ±1), so escaping the saddle is measurable as reaching a loss target. Starting at (1.5, 0.001) an
/// optimizer must amplify a tiny y component to escape.
/// </summary>
public sealed class Saddle : TestFunction
{
    /// <inheritdoc />
    public override string Name => TaskKinds.Saddle;

    /// <inheritdoc />
    public override string Formula => "x² − y² + y⁴/2";

    /// <inheritdoc />
    public override (double X, double Y) DefaultStart => (1.5, 0.001);

    /// <inheritdoc />
    public override IReadOnlyList<(double X, double Y)> Minima { get; } = [(0.0, 1.0), (0.0, -1.0)];

    /// <inheritdoc />
    public override (double XMin, double XMax, double YMin, double YMax) PlotWindow => (-2.0, 2.0, -1.75, 1.75);

    /// <inheritdoc />
    public override bool LogContours => false;

    /// <inheritdoc />
    public override double Value(double x, double y) => (x * x) - (y * y) + (0.5 * y * y * y * y);

    /// <inheritdoc />
    public override (double Dx, double Dy) Gradient(double x, double y) => (2 * x, (-2 * y) + (2 * y * y * y));
}
