namespace Descent.Autodiff;

/// <summary>
/// Controls recording of operations for reverse-mode differentiation. Operations on tensors that
/// require gradients are recorded while recording is enabled (the default); inside a
/// <see cref="NoGrad"/> scope nothing is recorded, for evaluation and for in-place parameter updates.
/// </summary>
/// <remarks>Recording state is per thread.</remarks>
public static class Tape
{
    [ThreadStatic]
    private static int noGradDepth;

    /// <summary>True when operations are currently being recorded on this thread.</summary>
    public static bool IsRecording => noGradDepth == 0;

    /// <summary>Disables recording until the returned scope is disposed (scopes nest).</summary>
    /// <example><code>using (Tape.NoGrad()) { var logits = model.Forward(x); }</code></example>
    public static NoGradScope NoGrad()
    {
        noGradDepth++;
        return new NoGradScope();
    }

    /// <summary>True when an operation with this input must be recorded.</summary>
    public static bool ShouldRecord(Tensor a) => noGradDepth == 0 && a.RequiresGrad;

    /// <summary>True when an operation with these inputs must be recorded.</summary>
    public static bool ShouldRecord(Tensor a, Tensor b) => noGradDepth == 0 && (a.RequiresGrad || b.RequiresGrad);

    /// <summary>True when an operation with these inputs must be recorded.</summary>
    public static bool ShouldRecord(ReadOnlySpan<Tensor> inputs)
    {
        if (noGradDepth != 0)
        {
            return false;
        }

        foreach (var t in inputs)
        {
            if (t.RequiresGrad)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Attaches <paramref name="node"/> as the producer of <paramref name="output"/>.</summary>
    public static Tensor Record(Tensor output, Node node)
    {
        output.SetGradFn(node);
        return output;
    }

    internal static void EndNoGrad() => noGradDepth--;

    /// <summary>Scope returned by <see cref="NoGrad"/>; disposing it re-enables recording.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => EndNoGrad();
    }
}
