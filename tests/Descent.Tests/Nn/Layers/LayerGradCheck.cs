using System.Globalization;
using System.Text;

namespace Descent.Tests.Nn.Layers;

/// <summary>
/// Checks a layer's float32 forward values and autodiff gradients against a double-precision reference
/// implementation: the objective is L = Σ wᵢ·yᵢ with fixed random weights (|w| in 0.5…1.5, random sign);
/// the analytic gradient is <c>y.Backward(w)</c>, the numerical one the central difference
/// (L(x+ε) − L(x−ε)) / 2ε of the double reference with ε = 1e-6 (error ≈ 1e-10, so the comparison
/// tolerance only covers float32 rounding of the analytic path).
/// </summary>
internal static class LayerGradCheck
{
    public static void Check(
        Func<Tensor> forward,
        Func<double[][], double[]> reference,
        Tensor[] inputs,
        double rtol = 2e-4,
        double atol = 2e-5,
        double forwardRtol = 1e-5,
        double forwardAtol = 1e-6,
        ulong seed = 99)
    {
        const double eps = 1e-6;
        foreach (var t in inputs)
        {
            t.ZeroGrad();
        }

        var y = forward();
        var xs = inputs.Select(t => t.ToArray().Select(v => (double)v).ToArray()).ToArray();
        var yRef = reference(xs);
        var report = new StringBuilder();
        Assert.Equal(yRef.Length, y.Length);
        var ys = y.ToArray();
        for (var i = 0; i < ys.Length; i++)
        {
            if (!(Math.Abs(ys[i] - yRef[i]) <= forwardAtol + (forwardRtol * Math.Abs(yRef[i]))))
            {
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

        y.Backward(Tensor.FromArray(w, y.Shape));
        double Objective()
        {
            var r = reference(xs);
            var s = 0.0;
            for (var i = 0; i < r.Length; i++)
            {
                s += w[i] * r[i];
            }

            return s;
        }

        for (var k = 0; k < inputs.Length; k++)
        {
            if (!inputs[k].RequiresGrad)
            {
                continue;
            }

            var grad = inputs[k].Grad?.ToArray();
            if (grad is null)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"input {k}: no gradient");
                continue;
            }

            for (var i = 0; i < grad.Length; i++)
            {
                var saved = xs[k][i];
                xs[k][i] = saved + eps;
                var plus = Objective();
                xs[k][i] = saved - eps;
                var minus = Objective();
                xs[k][i] = saved;
                var numeric = (plus - minus) / (2 * eps);
                if (!(Math.Abs(grad[i] - numeric) <= atol + (rtol * Math.Abs(numeric))))
                {
                    report.AppendLine(CultureInfo.InvariantCulture, $"input {k} grad[{i}]: autodiff {grad[i]:R}, finite difference {numeric:R}");
                }
            }
        }

        Assert.True(report.Length == 0, report.ToString());
    }

    /// <summary>Values of a distinct, well-separated random permutation (so max pooling has no near-ties).</summary>
    public static Tensor Distinct(Rng rng, params int[] shape)
    {
        var t = new Tensor(shape);
        var order = Enumerable.Range(0, t.Length).ToArray();
        rng.Shuffle(order.AsSpan());
        for (var i = 0; i < t.Length; i++)
        {
            t[i] = (order[i] - (t.Length / 2f)) / t.Length * 4f;
        }

        return t;
    }
}
