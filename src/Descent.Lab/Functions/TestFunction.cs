namespace Descent.Lab.Functions;

/// <summary>
/// A 2-D optimization test function with its analytic gradient, evaluated in double precision.
/// The lab's 2-D tasks optimize a 2-element parameter (x, y) with these gradients.
/// </summary>
public abstract class TestFunction
{
    /// <summary>The task kind naming this function (e.g. <c>rosenbrock</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The formula, for reports.</summary>
    public abstract string Formula { get; }

    /// <summary>The default start point.</summary>
    public abstract (double X, double Y) DefaultStart { get; }

    /// <summary>The global (or local, for bounded saddles) minima, for plots and the distance metric.</summary>
    public abstract IReadOnlyList<(double X, double Y)> Minima { get; }

    /// <summary>The plot window: x range and y range.</summary>
    public abstract (double XMin, double XMax, double YMin, double YMax) PlotWindow { get; }

    /// <summary>Whether contour plots should use log-spaced levels (steep valleys).</summary>
    public virtual bool LogContours => true;

    /// <summary>The minimum value (the lowest value over <see cref="Minima"/>).</summary>
    public double MinimumValue => Minima.Min(m => Value(m.X, m.Y));

    /// <summary>f(x, y).</summary>
    public abstract double Value(double x, double y);

    /// <summary>∇f(x, y) = (∂f/∂x, ∂f/∂y).</summary>
    public abstract (double Dx, double Dy) Gradient(double x, double y);

    /// <summary>Euclidean distance from (x, y) to the nearest minimum.</summary>
    public double DistanceToMinimum(double x, double y) =>
        Minima.Min(m => Math.Sqrt(((x - m.X) * (x - m.X)) + ((y - m.Y) * (y - m.Y))));
}
