namespace Descent.Nn;

/// <summary>Sequence pooling used on top of a transformer encoder.</summary>
public static class Pooling
{
    /// <summary>
    /// Masked mean over the sequence, as sentence-transformers' mean pooling: Σₛ h[b,s,:]·m[b,s] / max(Σₛ m[b,s], 1e-9),
    /// for hidden states [B, S, H] and a 0/1 mask [B, S]. Differentiable in the hidden states.
    /// </summary>
    public static Tensor MaskedMean(Tensor hidden, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(mask);
        if (hidden.Rank != 3 || mask.Rank != 2 || mask.Shape[0] != hidden.Shape[0] || mask.Shape[1] != hidden.Shape[1])
        {
            throw new ShapeMismatchException("MaskedMean", hidden.Shape, mask.Shape, "need hidden [B, S, H] and mask [B, S]");
        }

        int b = mask.Shape[0], s = mask.Shape[1];
        var counts = new Tensor(b, 1);
        var m = mask.Span;
        for (var i = 0; i < b; i++)
        {
            var c = 0f;
            for (var j = 0; j < s; j++)
            {
                c += m[(i * s) + j];
            }

            counts.Span[i] = Math.Max(c, 1e-9f);
        }

        return (hidden * mask.Detach().Reshape(b, s, 1)).Sum(1) / counts;
    }

    /// <summary>
    /// Pools every hidden state of <paramref name="hiddenStates"/> (each [B, S, H], e.g. Descent.Text's <c>BertModel.HiddenStates</c>)
    /// and concatenates: [B, K·P·H], state by state, within a state the selected poolings in the order masked mean,
    /// masked max, first token. Mean and max run over the positions where the 0/1 <paramref name="mask"/> [B, S] is 1
    /// (padding never takes part, never gets gradient; a sequence without any gives 0); the first token is position 0.
    /// Differentiable in every hidden state (the maximum's gradient goes to the first position holding it).
    /// </summary>
    public static Tensor MaskedPools(IReadOnlyList<Tensor> hiddenStates, Tensor mask, bool mean = true, bool max = true, bool first = false) =>
        Autodiff.Ops.MaskedPoolsOp.Forward(hiddenStates, mask, mean, max, first);

    /// <summary>The first token's hidden state: [B, S, H] → [B, H]. Differentiable.</summary>
    public static Tensor FirstToken(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (hidden.Rank != 3)
        {
            throw new ArgumentException($"need hidden states [B, S, H], got rank {hidden.Rank}", nameof(hidden));
        }

        int b = hidden.Shape[0], s = hidden.Shape[1], h = hidden.Shape[2];
        var select = new Tensor(b, s, 1);
        for (var i = 0; i < b; i++)
        {
            select.Span[i * s] = 1f;
        }

        return (hidden * select).Sum(1).Reshape(b, h);
    }
}
