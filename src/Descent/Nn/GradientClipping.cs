using System.Globalization;

namespace Descent.Nn;

/// <summary>
/// Gradient clipping, equivalent to <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>.
/// Parameters without a gradient are ignored.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients together so that their total norm is at most <paramref name="maxNorm"/> and returns
    /// the total norm before clipping (PyTorch: <c>clip_grad_norm_</c>).
    /// </summary>
    /// <remarks>
    /// <para>As in PyTorch: the total norm is the <paramref name="normType"/>-norm of the per-parameter norms
    /// (for ∞, the largest absolute value); every gradient is multiplied by
    /// min(1, max_norm / (total_norm + 1e-6)), always (a factor of exactly 1 when the norm is small enough); with
    /// no gradients the result is 0. A non-finite total norm throws when <paramref name="errorIfNonfinite"/>
    /// is true; otherwise, like PyTorch, the factor is 0 for an infinite norm (infinite entries become NaN) and
    /// NaN for a NaN norm.</para>
    /// <para>Norms are accumulated in double precision; the total norm and the factor are rounded to float32,
    /// the precision PyTorch computes them in.</para>
    /// </remarks>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="maxNorm">The largest allowed total norm (PyTorch: <c>max_norm</c>), ≥ 0; +∞ only measures.</param>
    /// <param name="normType">The p of the p-norm (default 2; <see cref="double.PositiveInfinity"/> for the max
    /// norm), &gt; 0.</param>
    /// <param name="errorIfNonfinite">Throw when the total norm is NaN or infinite (PyTorch:
    /// <c>error_if_nonfinite</c>, default false).</param>
    /// <returns>The total norm of the gradients before clipping.</returns>
    /// <exception cref="InvalidOperationException">The total norm is not finite and
    /// <paramref name="errorIfNonfinite"/> is true; no gradient is changed.</exception>
    public static double ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        CheckMaxNorm(maxNorm);
        var grads = Grads(parameters);
        var total = TotalNorm(grads, normType);
        if (grads.Count == 0)
        {
            return 0;
        }

        if (errorIfNonfinite && !float.IsFinite(total))
        {
            throw new InvalidOperationException(
                $"the total norm of order {normType.ToString(CultureInfo.InvariantCulture)} of the gradients is " +
                $"{total.ToString(CultureInfo.InvariantCulture)}, so they cannot be clipped; pass errorIfNonfinite: false to clip anyway");
        }

        var coef = (float)maxNorm / (total + 1e-6f);
        var clamped = float.IsNaN(coef) ? coef : MathF.Min(coef, 1f);
        foreach (var g in grads)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(g.Span, clamped, g.Span);
        }

        return total;
    }

    /// <summary>The total <paramref name="normType"/>-norm of the gradients, without changing them (PyTorch:
    /// <c>torch.nn.utils.get_total_norm</c>); 0 when no parameter has a gradient.</summary>
    public static double GradNorm(IEnumerable<Parameter> parameters, double normType = 2.0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return TotalNorm(Grads(parameters), normType);
    }

    /// <summary>Clamps every gradient element to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>]
    /// (PyTorch: <c>clip_grad_value_</c>); NaN stays NaN.</summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="clipValue">The bound, finite and ≥ 0.</param>
    public static void ClipGradValue(IEnumerable<Parameter> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0) || double.IsInfinity(clipValue))
        {
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue,
                $"clipValue must be finite and >= 0, got {clipValue.ToString("R", CultureInfo.InvariantCulture)}");
        }

        var c = (float)clipValue;
        foreach (var g in Grads(parameters))
        {
            var s = g.Span;
            for (var i = 0; i < s.Length; i++)
            {
                var v = s[i];
                s[i] = v > c ? c : v < -c ? -c : v;
            }
        }
    }

    private static List<Tensor> Grads(IEnumerable<Parameter> parameters)
    {
        var grads = new List<Tensor>();
        foreach (var p in parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (p.Grad is { } g)
            {
                grads.Add(g);
            }
        }

        return grads;
    }

    private static float TotalNorm(List<Tensor> grads, double normType)
    {
        if (!(normType > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(normType), normType,
                $"normType must be > 0 (or +Infinity), got {normType.ToString("R", CultureInfo.InvariantCulture)}");
        }

        if (grads.Count == 0)
        {
            return 0f;
        }

        // Per-parameter norms (rounded to float32 as PyTorch's per-tensor vector_norm), then their norm.
        double acc = 0;
        foreach (var g in grads)
        {
            var n = (float)Norm(g.Span, normType);
            acc = double.IsPositiveInfinity(normType) ? Max(acc, n) : acc + Math.Pow(n, normType);
        }

        return (float)(double.IsPositiveInfinity(normType) ? acc : normType == 2 ? Math.Sqrt(acc) : normType == 1 ? acc : Math.Pow(acc, 1 / normType));
    }

    private static double Norm(ReadOnlySpan<float> s, double p)
    {
        double acc = 0;
        if (double.IsPositiveInfinity(p))
        {
            foreach (var v in s)
            {
                acc = Max(acc, Math.Abs(v));
            }

            return acc;
        }

        foreach (var v in s)
        {
            var a = Math.Abs((double)v);
            acc += p == 2 ? a * a : p == 1 ? a : Math.Pow(a, p);
        }

        return p == 2 ? Math.Sqrt(acc) : p == 1 ? acc : Math.Pow(acc, 1 / p);
    }

    /// <summary>Max that propagates NaN (like torch.max).</summary>
    private static double Max(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b);

    private static void CheckMaxNorm(double maxNorm)
    {
        if (!(maxNorm >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm,
                $"maxNorm must be >= 0 (+Infinity only measures the norm), got {maxNorm.ToString("R", CultureInfo.InvariantCulture)}");
        }
    }
}
