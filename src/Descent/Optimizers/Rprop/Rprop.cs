using System.Runtime.CompilerServices;
using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Rprop, resilient backpropagation: a per-element step size that grows while the gradient keeps its sign and
/// shrinks when it flips; equivalent to <c>torch.optim.Rprop</c> (PyTorch 1.13's <c>_single_tensor_rprop</c>,
/// whose numbers current PyTorch reproduces).
/// </summary>
/// <remarks>
/// <para>Update rule, per step of each parameter with a gradient, per element (float32; η₋, η₊ = etas):</para>
/// <code>
/// g = maximize ? −g : g;   s = sign(g·prev)          (the product in float32: an underflow to 0 is s = 0)
/// step_size = clamp(step_size·(s &gt; 0 ? η₊ : s &lt; 0 ? η₋ : 1), step_min, step_max)
/// if s &lt; 0: g = 0
/// p = p − sign(g)·step_size;   prev = g
/// </code>
/// <para>State (<see cref="RpropState"/>), created at the first gradient: <c>prev</c> zeros, <c>step_size</c>
/// float32(lr). Defaults (<see cref="RpropOptions"/>): lr 0.01, etas (0.5, 1.2), step sizes (1e-6, 50).
/// Paper: Riedmiller &amp; Braun, "A Direct Adaptive Method for Faster Backpropagation Learning: The RPROP
/// Algorithm", ICNN 1993. Meant for full-batch training: with noisy minibatch gradients the signs flip at random.</para>
/// </remarks>
[Optimizer("rprop", "Rprop (Riedmiller & Braun 1993), sign-based per-element step sizes; equivalent to torch.optim.Rprop")]
public sealed class Rprop : Optimizer<RpropOptions, RpropState>
{
    private readonly ElementwiseJob<Kernel> job = new();

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public Rprop(IEnumerable<Parameter> parameters, RpropOptions? options = null)
        : base(parameters, options ?? new RpropOptions())
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public Rprop(IEnumerable<(IEnumerable<Parameter> Parameters, RpropOptions Options)> groups, RpropOptions? defaults = null)
        : base(groups, defaults ?? new RpropOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "Rprop";

    /// <inheritdoc />
    public override RpropState CreateState(Parameter parameter, RpropOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(options);
        return new RpropState(parameter.Shape, options.LearningRate);
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, RpropState state, RpropOptions options) =>
        job.Run(new Kernel(options), KernelPath, parameter, grad, state.Prev, state.StepSize);

    /// <summary>The element-wise update; buffers a = prev, b = step_size. The etas and step-size bounds act as
    /// float32, as in PyTorch's float32 kernel.</summary>
    internal readonly struct Kernel : IElementwiseUpdate
    {
        private readonly float etaMinus, etaPlus, stepMin, stepMax;
        private readonly bool maximize;

        /// <summary>The update with the group's options.</summary>
        public Kernel(RpropOptions options)
        {
            etaMinus = (float)options.EtaMinus;
            etaPlus = (float)options.EtaPlus;
            stepMin = (float)options.StepSizeMin;
            stepMax = (float)options.StepSizeMax;
            maximize = options.Maximize;
        }

        /// <inheritdoc />
        public void Scalar(ref float p, float g, ref float prev, ref float stepSize, ref float unusedC)
        {
            var gi = maximize ? -g : g;
            var product = gi * prev;
            var factor = product > 0 ? etaPlus : product < 0 ? etaMinus : product == 0 ? 1f : product;
            var s = MathF.Min(MathF.Max(stepSize * factor, stepMin), stepMax);
            stepSize = s;
            if (product < 0)
            {
                gi = 0f;
            }

            p -= SimdMath.Sign(gi) * s;
            prev = gi;
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Vector<TV>(ref float p, ref float g, ref float prev, ref float stepSize, ref float unusedC, nuint i)
            where TV : struct, IFloatVector<TV>
        {
            var gv = TV.Load(ref g, i);
            if (maximize)
            {
                gv = -gv;
            }

            var zero = TV.Create(0f);
            var product = gv * TV.Load(ref prev, i);
            var negative = TV.LessThan(product, zero);
            var factor = TV.Select(TV.GreaterThan(product, zero), TV.Create(etaPlus),
                TV.Select(negative, TV.Create(etaMinus), TV.Select(TV.EqualsMask(product, zero), TV.Create(1f), product)));
            var s = TV.Min(TV.Max(TV.Load(ref stepSize, i) * factor, TV.Create(stepMin)), TV.Create(stepMax));
            TV.Store(s, ref stepSize, i);
            gv = TV.Select(negative, zero, gv);
            TV.Store(TV.Load(ref p, i) - (SimdMath.Sign(gv) * s), ref p, i);
            TV.Store(gv, ref prev, i);
        }
    }
}
