using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Schedule-Free AdamW (Defazio et al., <i>The Road Less Scheduled</i>, NeurIPS 2024, arXiv:2405.15682). Equal to
/// <c>optax.contrib.schedule_free_adamw</c> (Optax 0.2.8): the parameters hold the training sequence y that Optax
/// applies; <see cref="EvaluationWeights"/> gives the evaluation sequence x, as
/// <c>optax.contrib.schedule_free_eval_params</c>.
/// </summary>
/// <remarks>
/// Step t (1-based) with learning rate γ_t = warmup(t) (γ without warmup; else linear from 0 over <c>WarmupSteps</c>,
/// then γ; a warmup of 0 steps keeps γ_t = 0 as in Optax 0.2.8); z starts at
/// the initial parameters, v at zero:
/// <code>
/// γmax = max(γmax, γ_t);  w = γmax^power;  W = W + w;  c = w / W (0 when W = 0)
/// v = (1 − β₂)·g² + β₂·v
/// z' = z − warmup(t−1)·(g / (√(v / (1 − β₂ᵗ)) + ε) + λ·y)     // base AdamW without momentum, decay on y
/// x = (y − (1 − β₁)·z) / β₁                                    // the previous evaluation point
/// x = (1 − c)·x + c·z';   y = β₁·x + (1 − β₁)·z';   z = z'
/// </code>
/// The base optimizer's schedule counts from 0 while the averaging weight's counts from 1, as in Optax.
/// Defaults (<see cref="ScheduleFreeAdamWOptions"/>): lr 0.0025, β₁ 0.9, β₂ 0.999, ε 1e-8, λ 0, power 2, no warmup.
/// Not in torch.optim (the reference PyTorch package is <c>schedulefree.AdamWScheduleFree</c>).
/// </remarks>
[Optimizer("schedulefree_adamw", "Schedule-Free AdamW (Defazio et al. 2024), no decay schedule needed; equal to optax.contrib.schedule_free_adamw")]
public sealed class ScheduleFreeAdamW : Optimizer<ScheduleFreeAdamWOptions, ScheduleFreeAdamWState>
{
    private readonly ElementwiseJob<ScheduleFreeAdamWKernel> job = new();

    /// <summary>Creates Schedule-Free AdamW over <paramref name="parameters"/>.</summary>
    public ScheduleFreeAdamW(IEnumerable<Parameter> parameters, ScheduleFreeAdamWOptions? options = null)
        : base(parameters, options ?? new ScheduleFreeAdamWOptions())
    {
    }

    /// <summary>Creates Schedule-Free AdamW over several parameter groups.</summary>
    public ScheduleFreeAdamW(
        IEnumerable<(IEnumerable<Parameter> Parameters, ScheduleFreeAdamWOptions Options)> groups, ScheduleFreeAdamWOptions? defaults = null)
        : base(groups, defaults ?? new ScheduleFreeAdamWOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "ScheduleFreeAdamW";

    /// <inheritdoc />
    public override ScheduleFreeAdamWState CreateState(Parameter parameter, ScheduleFreeAdamWOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return new ScheduleFreeAdamWState(parameter.Clone(), Tensor.Zeros(parameter.Shape), Tensor.Scalar(0f), Tensor.Scalar(0f));
    }

    /// <summary>Writes the evaluation weights x = (y − (1 − β₁)·z) / β₁ of <paramref name="parameter"/> into
    /// <paramref name="destination"/> (the parameter's values when it has not been stepped yet).</summary>
    public void CopyEvaluationWeights(Parameter parameter, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (destination.Length != parameter.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, the parameter {parameter.Length}", nameof(destination));
        }

        var (state, options) = Find(parameter);
        var y = parameter.Span;
        if (state is null)
        {
            y.CopyTo(destination);
            return;
        }

        // Optax evaluates this with b1 stored as a float32 array, so (1 − b1) is a float32 subtraction.
        var b1 = (float)options.Beta1;
        var c1 = 1f - b1;
        var z = state.Z.Span;
        for (var i = 0; i < y.Length; i++)
        {
            destination[i] = (y[i] - (c1 * z[i])) / b1;
        }
    }

    /// <summary>The evaluation weights of <paramref name="parameter"/> as a new tensor of its shape
    /// (<c>optax.contrib.schedule_free_eval_params</c>).</summary>
    public Tensor EvaluationWeights(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var t = Tensor.Zeros(parameter.Shape);
        CopyEvaluationWeights(parameter, t.Span);
        return t;
    }

    /// <summary>The learning rate at <paramref name="count"/>: constant without warmup, else Optax's
    /// <c>warmup_constant_schedule(0, lr, warmup)</c> = <c>linear_schedule(0, lr, warmup)</c> in float32, which
    /// for warmup 0 is the constant 0.</summary>
    internal static float WarmupLearningRate(double learningRate, int? warmupSteps, long count)
    {
        if (warmupSteps is not { } w)
        {
            return (float)learningRate;
        }

        if (w <= 0)
        {
            return 0f;
        }

        var c = Math.Clamp(count, 0, w);
        var frac = 1f - ((float)c / w);
        return ((float)-learningRate * frac) + (float)learningRate;
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, ScheduleFreeAdamWState state, ScheduleFreeAdamWOptions options)
    {
        var t = state.Step;
        var lr = WarmupLearningRate(options.LearningRate, options.WarmupSteps, t);
        var baseLr = WarmupLearningRate(options.LearningRate, options.WarmupSteps, t - 1);
        var lrMax = MathF.Max(state.LrMax, lr);
        var weight = MathF.Pow(lrMax, (float)options.WeightLrPower);
        var total = state.WeightSum + weight;
        float ck;
        if (float.IsNaN(weight) || float.IsNaN(total))
        {
            ck = float.NaN;
        }
        else
        {
            ck = weight / total;
            if (float.IsNaN(ck))
            {
                ck = 0f;
            }
            else if (float.IsNegativeInfinity(ck))
            {
                ck = float.MinValue;
            }
        }

        state.LrMax = lrMax;
        state.WeightSum = total;
        var c = new ScheduleFreeAdamWKernel(
            OptaxScalars.OneMinus(options.Beta2), (float)options.Beta2, OptaxScalars.BiasCorrection(options.Beta2, t),
            (float)options.Epsilon, (float)options.WeightDecay, -baseLr, ck, 1f - ck,
            OptaxScalars.OneMinus(options.Beta1), (float)options.Beta1);
        job.Run(c, KernelPath, parameter, grad, state.Z, state.ExpAvgSq);
    }

    private (ScheduleFreeAdamWState? State, ScheduleFreeAdamWOptions Options) Find(Parameter parameter)
    {
        foreach (var g in TypedGroups)
        {
            for (var i = 0; i < g.Parameters.Count; i++)
            {
                if (ReferenceEquals(g.Parameters[i], parameter))
                {
                    return ((ScheduleFreeAdamWState?)GetState(parameter), g.Options);
                }
            }
        }

        throw new ArgumentException("the parameter does not belong to this optimizer", nameof(parameter));
    }
}
