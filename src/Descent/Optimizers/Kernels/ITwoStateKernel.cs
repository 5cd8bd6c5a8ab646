namespace Descent.Optimizers.Kernels;

/// <summary>
/// An element-wise optimizer kernel over a parameter, its gradient and two state buffers (e.g. Adamax's
/// exp_avg/exp_inf, NAdam's and RAdam's exp_avg/exp_avg_sq, Adadelta's square_avg/acc_delta), with a scalar
/// reference and a SIMD path; run through <see cref="TwoStateKernelJob{TKernel, TScalars}"/>.
/// </summary>
/// <typeparam name="TScalars">The per-step scalars, hoisted out of the element loop.</typeparam>
internal interface ITwoStateKernel<TScalars>
    where TScalars : struct
{
    /// <summary>The scalar reference loop.</summary>
    static abstract void Reference(Span<float> param, ReadOnlySpan<float> grad, Span<float> stateA, Span<float> stateB, in TScalars s);

    /// <summary>The vectorized loop (same IEEE operations as the reference).</summary>
    static abstract void Simd(Span<float> param, ReadOnlySpan<float> grad, Span<float> stateA, Span<float> stateB, in TScalars s);
}
