namespace Descent.Autodiff;

/// <summary>
/// Tells a caller, during the backward passes run on this thread, the moment each leaf tensor's gradient (a parameter's)
/// is final — after the last recorded operation that uses the leaf has run its backward — so that work on finished
/// gradients (e.g. a data-parallel all-reduce of a bucket of gradients) overlaps the rest of the backward pass, as PyTorch
/// DDP's autograd hooks do.
/// </summary>
/// <remarks>Leaves are reported in the order their gradients become final (the reverse of their first use in the forward
/// pass, for a sequential model). A leaf that receives no gradient in a pass is not reported. The handler runs on the
/// backward pass's thread and must not start another backward pass.</remarks>
public static class GradientHooks
{
    [ThreadStatic]
    private static Action<Tensor>? onReady;

    /// <summary>The handler of this thread, or null.</summary>
    internal static Action<Tensor>? Current => onReady;

    /// <summary>Calls <paramref name="handler"/> with every leaf whose gradient became final, until the returned scope
    /// is disposed (which restores the previous handler).</summary>
    public static Scope OnGradientReady(Action<Tensor> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var previous = onReady;
        onReady = handler;
        return new Scope(previous);
    }

    /// <summary>Returned by <see cref="OnGradientReady"/>; disposing it restores the previous handler.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Action<Tensor>? previous;

        internal Scope(Action<Tensor>? previous) => this.previous = previous;

        /// <inheritdoc />
        public void Dispose() => onReady = previous;
    }
}
