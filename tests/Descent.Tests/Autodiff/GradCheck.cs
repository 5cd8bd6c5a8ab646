using System.Globalization;
using System.Text;

namespace Descent.Tests.Autodiff;

/// <summary>Outcome of a gradient check: whether it passed, and a report of the worst elements.</summary>
public sealed record GradCheckResult(bool Passed, double WorstRatio, string Report);

/// <summary>
/// Checks an operation's forward values and its autodiff gradients against a double-precision reference.
/// </summary>
/// <remarks>
/// The scalar checked is L = Σ wᵢ·yᵢ with fixed random weights w of magnitude 0.5…1.5 and random sign (so no
/// output's gradient can cancel out or hide). The analytic gradient is the float32 autodiff result of
/// <c>y.Backward(w)</c>; the numerical one is the central difference (L(x+ε) − L(x−ε)) / 2ε of the
/// <em>double-precision reference</em> at the same (float32-representable) input values, with ε = 1e-6: its
/// truncation error is O(ε²·L''') ≈ 1e-12 and its rounding error ≈ 1e-16/ε = 1e-10, so it is exact for our
/// purpose. The comparison tolerance |analytic − numeric| ≤ atol + rtol·|numeric| (default rtol 2e-4,
/// atol 2e-5) therefore covers only the float32 rounding of the analytic path (a few ulps times the number
/// of terms accumulated, ≈ 1e-6 relative for these sizes) with a wide margin, while a gradient that is wrong
/// by 0.1 % fails wherever its magnitude exceeds ~0.03 (and by 1 % wherever it exceeds ~0.003) — see the test
/// that plants a deliberately wrong gradient.
/// </remarks>
public static class GradCheck
{
    public static GradCheckResult Run(
        Func<Tensor[], Tensor> op,
        Func<double[][], double[]> reference,
        Tensor[] inputs,
        double rtol = 2e-4,
        double atol = 2e-5,
        double forwardRtol = 1e-5,
        double forwardAtol = 1e-6,
        ulong seed = 12345)
    {
        const double eps = 1e-6;
        var report = new StringBuilder();
        var passed = true;
        var worst = 0.0;

        foreach (var t in inputs)
        {
            t.ZeroGrad();
        }

        var y = op(inputs);
        var xs = inputs.Select(t => t.ToArray().Select(v => (double)v).ToArray()).ToArray();
        var yRef = reference(xs);
        if (yRef.Length != y.Length)
        {
            return new GradCheckResult(false, double.PositiveInfinity,
                $"reference has {yRef.Length} outputs, the operation {y.Length}");
        }

        var ys = y.ToArray();
        for (var i = 0; i < ys.Length; i++)
        {
            var err = Math.Abs(ys[i] - yRef[i]);
            var allowed = forwardAtol + (forwardRtol * Math.Abs(yRef[i]));
            if (!(err <= allowed))
            {
                passed = false;
                report.AppendLine(CultureInfo.InvariantCulture, $"forward[{i}]: got {ys[i]:R}, reference {yRef[i]:R}");
            }
        }

        var rng = new Rng(seed);
        var w = new float[y.Length];
        for (var i = 0; i < w.Length; i++)
        {
            var m = 0.5 + rng.NextDouble();
            w[i] = (float)(rng.NextDouble() < 0.5 ? -m : m);
        }

        var wd = w.Select(v => (double)v).ToArray();
        y.Backward(y.Rank == 0 ? Tensor.Scalar(w[0]) : Tensor.FromArray(w, y.Shape));

        double Objective()
        {
            var r = reference(xs);
            var s = 0.0;
            for (var i = 0; i < r.Length; i++)
            {
                s += wd[i] * r[i];
            }

            return s;
        }

        for (var k = 0; k < inputs.Length; k++)
        {
            if (!inputs[k].RequiresGrad)
            {
                continue;
            }

            var analytic = inputs[k].Grad?.ToArray() ?? new float[inputs[k].Length];
            var failures = 0;
            for (var j = 0; j < xs[k].Length; j++)
            {
                var saved = xs[k][j];
                xs[k][j] = saved + eps;
                var plus = Objective();
                xs[k][j] = saved - eps;
                var minus = Objective();
                xs[k][j] = saved;
                var numeric = (plus - minus) / (2 * eps);
                var err = Math.Abs(analytic[j] - numeric);
                var allowed = atol + (rtol * Math.Abs(numeric));
                worst = Math.Max(worst, err / allowed);
                if (!(err <= allowed))
                {
                    passed = false;
                    if (failures++ < 5)
                    {
                        report.AppendLine(CultureInfo.InvariantCulture,
                            $"input {k} element {j}: autodiff {analytic[j]:R}, finite difference {numeric:R} (error {err:E2} > {allowed:E2})");
                    }
                }
            }
        }

        report.Insert(0, $"worst error/allowed = {worst:F3}{Environment.NewLine}");
        return new GradCheckResult(passed, worst, report.ToString());
    }

    /// <summary>Runs the check and fails the test with its report when it does not pass.</summary>
    public static void Assert(
        Func<Tensor[], Tensor> op, Func<double[][], double[]> reference, params Tensor[] inputs)
    {
        var result = Run(op, reference, inputs);
        Xunit.Assert.True(result.Passed, result.Report);
    }

    /// <summary>A random input that requires a gradient, uniform in [low, high).</summary>
    public static Tensor Input(Rng rng, float low, float high, params int[] shape)
    {
        var t = Tensor.Uniform(rng, low, high, shape);
        t.RequiresGrad = true;
        return t;
    }
}
