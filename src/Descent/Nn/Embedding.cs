using System.Globalization;
using Descent.Autodiff.Ops;

namespace Descent.Nn;

/// <summary>
/// A lookup table of <see cref="NumEmbeddings"/> vectors of size <see cref="EmbeddingDim"/>, equivalent to
/// torch.nn.Embedding: "weight" [V, D] initialized from N(0, 1) with the given generator (the padding row,
/// if any, zeroed and never updated by the gradient).
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table.</summary>
    public Embedding(int numEmbeddings, int embeddingDim, Rng rng, int? paddingIndex = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numEmbeddings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        ArgumentNullException.ThrowIfNull(rng);
        if (paddingIndex is { } p && (p < -numEmbeddings || p >= numEmbeddings))
        {
            throw new ArgumentOutOfRangeException(nameof(paddingIndex), p, $"must be in [{-numEmbeddings}, {numEmbeddings})");
        }

        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIndex = paddingIndex is { } q && q < 0 ? q + numEmbeddings : paddingIndex;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Normal(rng, 0f, 1f, numEmbeddings, embeddingDim)))!;
        if (PaddingIndex is { } row)
        {
            Weight.Span.Slice(row * embeddingDim, embeddingDim).Clear();
        }
    }

    /// <summary>Number of rows V.</summary>
    public int NumEmbeddings { get; }

    /// <summary>Size D of each vector.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The row that gets no gradient, or null.</summary>
    public int? PaddingIndex { get; }

    /// <summary>The table, [V, D].</summary>
    public Parameter Weight { get; }

    /// <summary>Looks up <paramref name="indices"/> (any shape) → […shape, D].</summary>
    public Tensor Forward(int[] indices, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return EmbeddingOp.Forward(Weight, indices, shape.Length == 0 ? [indices.Length] : shape, PaddingIndex ?? -1);
    }

    /// <summary>Looks up the indices held (as whole numbers) by <paramref name="input"/> → [...input shape, D].</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var values = input.Span;
        var indices = new int[values.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            var v = values[i];
            if (v != MathF.Floor(v) || v < 0 || v >= NumEmbeddings)
            {
                throw new ArgumentOutOfRangeException(nameof(input), v.ToString(CultureInfo.InvariantCulture),
                    $"Embedding: element {i} is not an index in [0, {NumEmbeddings})");
            }

            indices[i] = (int)v;
        }

        return EmbeddingOp.Forward(Weight, indices, input.Shape, PaddingIndex ?? -1);
    }

    /// <inheritdoc />
    protected override string ExtraRepresentation()
        => string.Create(CultureInfo.InvariantCulture, $"{NumEmbeddings}, {EmbeddingDim}{(PaddingIndex is { } p ? $", padding_idx={p}" : string.Empty)}");
}
