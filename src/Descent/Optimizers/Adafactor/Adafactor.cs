using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Adafactor (Shazeer &amp; Stern, <i>Adafactor: Adaptive Learning Rates with Sublinear Memory Cost</i>, ICML 2018,
/// arXiv:1804.04235). Equal to <c>optax.adafactor</c> (Optax 0.2.8), factored and unfactored.
/// </summary>
/// <remarks>
/// Step t (1-based), decay β̂ = 1 − (t − offset)^−decay_rate, per tensor:
/// <code>
/// factored (rank ≥ 2, second-largest dim ≥ min_dim_size_to_factor; row axis = second-largest, col = largest):
///   R = β̂·R + (1 − β̂)·mean_col(g² + ε);  C = β̂·C + (1 − β̂)·mean_row(g² + ε)
///   u = g · (R / mean_row(R))^−½ · C^−½
/// unfactored:
///   v = β̂·v + (1 − β̂)·(g² + ε);  u = g · v^−½
/// u = u / max(1, RMS(u) / clipping_threshold)      // if clipping_threshold is set
/// u = lr · u · max(RMS(p), 1e-3)                   // parameter scale if multiply_by_parameter_scale
/// m = (1 − μ)·u + μ·m; u = m                       // if momentum is set (no bias correction)
/// u = u + λ·p                                      // if weight_decay_rate is set (not multiplied by lr)
/// p = p − u
/// </code>
/// Statistics, clipping and the parameter scale need reductions over the whole tensor, so a step makes two
/// (unfactored) or three (factored) passes; see the kernel. Not in torch.optim (transformers.Adafactor differs:
/// it clips after the relative step and adds ε differently).
/// </remarks>
[Optimizer("adafactor", "Adafactor (Shazeer & Stern 2018), factored second moment; equal to optax.adafactor")]
public sealed class Adafactor : Optimizer<AdafactorOptions, AdafactorState>
{
    private const float MinParameterScale = 1e-3f;

    /// <summary>Creates Adafactor over <paramref name="parameters"/>.</summary>
    public Adafactor(IEnumerable<Parameter> parameters, AdafactorOptions? options = null)
        : base(parameters, options ?? new AdafactorOptions())
    {
    }

    /// <summary>Creates Adafactor over several parameter groups.</summary>
    public Adafactor(IEnumerable<(IEnumerable<Parameter> Parameters, AdafactorOptions Options)> groups, AdafactorOptions? defaults = null)
        : base(groups, defaults ?? new AdafactorOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "Adafactor";

    /// <inheritdoc />
    public override AdafactorState CreateState(Parameter parameter, AdafactorOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(options);
        var shape = parameter.Shape;
        var momentum = options.Momentum is null ? null : Tensor.Zeros(shape);
        if (options.FactoredAxes(shape) is not { } axes)
        {
            return new AdafactorState(Tensor.Zeros(shape), momentum);
        }

        var dims = shape.ToArray();
        var rowShape = dims.Where((_, k) => k != axes.ColAxis).ToArray();
        var colShape = dims.Where((_, k) => k != axes.RowAxis).ToArray();
        return new AdafactorState(shape, axes.RowAxis, axes.ColAxis, Tensor.Zeros(rowShape), Tensor.Zeros(colShape), momentum);
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, AdafactorState state, AdafactorOptions options)
    {
        var n = parameter.Length;
        if (n == 0)
        {
            return;
        }

        if (options.Momentum is not null && state.ExpAvg is null)
        {
            state.ExpAvg = Tensor.Zeros(parameter.Shape);
        }

        var p = parameter.Span;
        var g = grad.Span;
        var simd = ElementwiseKernel.UsesSimd(KernelPath);

        // Optax: t = float32(count − offset) + 1; β̂ = 1 − t^(−decay_rate), all in float32.
        var t = (float)(state.Step - 1 - options.DecayOffset) + 1f;
        var decay = 1f - MathF.Pow(t, -(float)options.DecayRate);
        var oneMinusDecay = 1f - decay;
        var eps = (float)options.Epsilon;

        double updateSq, paramSq;
        var layout = state.Layout;
        if (layout is not null)
        {
            AdafactorKernel.FactoredStats(layout, g, state.ExpAvgSqRow!.Span, state.ExpAvgSqCol!.Span, decay, oneMinusDecay, eps);
            updateSq = AdafactorKernel.FactoredUpdateSquares(layout, g);
            paramSq = AdafactorKernel.SumSquares(p);
        }
        else
        {
            (updateSq, paramSq) = simd
                ? AdafactorKernel.UnfactoredStatsSimd(p, g, state.ExpAvgSq!.Span, decay, oneMinusDecay, eps)
                : AdafactorKernel.UnfactoredStatsReference(p, g, state.ExpAvgSq!.Span, decay, oneMinusDecay, eps);
        }

        var clip = 1f;
        if (options.ClippingThreshold is { } threshold)
        {
            clip = MathF.Max(1f, (float)Math.Sqrt(updateSq / n) / (float)threshold);
        }

        var scale = 1f;
        if (options.MultiplyByParameterScale)
        {
            var rms = (float)Math.Sqrt(paramSq / n);
            scale = rms <= MinParameterScale ? MinParameterScale : rms;
        }

        var mu = options.Momentum ?? 0;
        var tail = new AdafactorKernel.Tail(
            clip, (float)options.LearningRate, scale,
            options.Momentum is not null, OptaxScalars.OneMinus(mu), (float)mu,
            options.WeightDecayRate is not null, (float)(options.WeightDecayRate ?? 0));
        var m = state.ExpAvg is null ? Span<float>.Empty : state.ExpAvg.Span;
        if (layout is not null)
        {
            if (simd)
            {
                AdafactorKernel.FactoredApplySimd(layout, p, g, m, tail);
            }
            else
            {
                AdafactorKernel.FactoredApplyReference(layout, p, g, m, tail);
            }
        }
        else if (simd)
        {
            AdafactorKernel.UnfactoredApplySimd(p, g, state.ExpAvgSq!.Span, m, tail);
        }
        else
        {
            AdafactorKernel.UnfactoredApplyReference(p, g, state.ExpAvgSq!.Span, m, tail);
        }
    }
}
