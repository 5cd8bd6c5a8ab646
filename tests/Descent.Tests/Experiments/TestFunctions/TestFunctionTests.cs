using Descent.Experiments;
using Descent.Experiments.TestFunctions;
using Descent.Lab.Functions;
using Descent.Lab.Specs;

namespace Descent.Tests.Experiments.TestFunctions;

public sealed class TestFunctionTests
{
    public static TheoryData<string> Kinds => [.. TaskKinds.TestFunctions];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void GradientMatchesCentralFiniteDifferences(string kind)
    {
        var f = ExperimentTasks.Get(kind).Surface!;
        var (x0, x1, y0, y1) = f.PlotWindow;
        var rng = new Rng(123);
        for (var k = 0; k < 50; k++)
        {
            var x = x0 + ((x1 - x0) * rng.NextDouble());
            var y = y0 + ((y1 - y0) * rng.NextDouble());
            const double h = 1e-6;
            var dx = (f.Value(x + h, y) - f.Value(x - h, y)) / (2 * h);
            var dy = (f.Value(x, y + h) - f.Value(x, y - h)) / (2 * h);
            var (gx, gy) = f.Gradient(x, y);
            Assert.True(Math.Abs(gx - dx) <= 1e-6 * Math.Max(1, Math.Abs(dx)), $"{kind} ∂f/∂x at ({x}, {y}): {gx} vs {dx}");
            Assert.True(Math.Abs(gy - dy) <= 1e-6 * Math.Max(1, Math.Abs(dy)), $"{kind} ∂f/∂y at ({x}, {y}): {gy} vs {dy}");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MinimaAreStationaryWithTheStatedValue(string kind)
    {
        var f = ExperimentTasks.Get(kind).Surface!;
        var expected = kind == TaskKinds.Saddle ? -0.5 : 0.0;
        foreach (var (x, y) in f.Minima)
        {
            Assert.Equal(expected, f.Value(x, y), 9);
            var (gx, gy) = f.Gradient(x, y);
            Assert.True(Math.Abs(gx) < 1e-4 && Math.Abs(gy) < 1e-4, $"{kind} gradient at ({x}, {y}) = ({gx}, {gy})");
            Assert.Equal(0.0, f.DistanceToMinimum(x, y));
        }
    }

    [Fact]
    public void KnownValues()
    {
        Assert.Equal(1.0 + (100 * 4.0), new Rosenbrock().Value(0, 2));
        Assert.Equal(14.203125, new Beale().Value(0, 0), 12);
        Assert.Equal(170.0, new Himmelblau().Value(0, 0));
        Assert.Equal(0.0, new Saddle().Value(0, 0));
        Assert.Equal(5.5, new NoisyQuadratic().Value(1, 1));
    }
}
