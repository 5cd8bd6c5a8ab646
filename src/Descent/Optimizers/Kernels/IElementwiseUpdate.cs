namespace Descent.Optimizers.Kernels;

/// <summary>
/// One optimizer's element-wise update, written once as an operator struct in the manner of
/// <c>System.Numerics.Tensors.TensorPrimitives</c>' operators: the per-step scalars are fields (hoisted out of
/// the element loop), <see cref="Scalar"/> is the reference (one element, in the order of the documented rule)
/// and <see cref="Vector{TV}"/> performs the same IEEE operations on a vector of one width, so both agree bit
/// for bit. <see cref="ElementwiseKernel"/> and <see cref="ElementwiseJob{TUpdate}"/> do the rest: length and
/// aliasing checks, the widths, the scalar tail, the reference/SIMD choice and the split across cores.
/// </summary>
/// <remarks>An update reads the parameter p, its gradient g and up to three state buffers a, b, c (which ones,
/// and in which order, is the update's own contract; an unused buffer is empty and never touched).</remarks>
internal interface IElementwiseUpdate
{
    /// <summary>The scalar reference: updates one element.</summary>
    void Scalar(ref float p, float g, ref float a, ref float b, ref float c);

    /// <summary>The vector form: updates the <c>TV.Count</c> elements from <paramref name="i"/> of each buffer
    /// (loads and stores through <c>TV.Load</c>/<c>TV.Store</c> at <paramref name="i"/>).</summary>
    void Vector<TV>(ref float p, ref float g, ref float a, ref float b, ref float c, nuint i)
        where TV : struct, IFloatVector<TV>;
}
