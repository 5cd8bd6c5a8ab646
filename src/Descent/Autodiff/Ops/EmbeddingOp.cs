using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>
/// Embedding lookup (torch.nn.functional.embedding): row indices[i] of weight [V, D] for each index, output
/// […index shape, D]. Backward scatter-adds the output gradient into the weight's rows; the row of the
/// padding index (if any) receives no gradient.
/// </summary>
internal sealed class EmbeddingOp : Node
{
    private readonly int[] indices;
    private readonly int paddingIndex;

    private EmbeddingOp(Tensor weight, int[] indices, int paddingIndex)
        : base(weight)
    {
        this.indices = indices;
        this.paddingIndex = paddingIndex;
    }

    public override string Name => "EmbeddingBackward";

    public static Tensor Forward(Tensor weight, ReadOnlySpan<int> indices, ReadOnlySpan<int> indexShape, int paddingIndex)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
        {
            throw new ArgumentException($"Embedding: weight must be [V, D], got shape {ShapeUtil.Format(weight.Shape)}", nameof(weight));
        }

        if (ShapeUtil.Count(indexShape) != indices.Length)
        {
            throw new ArgumentException($"Embedding: {indices.Length} indices do not fill shape {ShapeUtil.Format(indexShape)}", nameof(indices));
        }

        int v = weight.Shape[0], d = weight.Shape[1];
        var shape = new int[indexShape.Length + 1];
        indexShape.CopyTo(shape);
        shape[^1] = d;
        var y = Tensor.Output(shape);
        var ws = weight.Span;
        var ys = y.Span;
        for (var i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)v)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i],
                    $"Embedding: index {i} is {indices[i]}, outside the table's {v} rows");
            }

            ws.Slice(indices[i] * d, d).CopyTo(ys.Slice(i * d, d));
        }

        if (!Tape.ShouldRecord(weight))
        {
            return y;
        }

        var saved = Workspace.SavedInts(indices.Length);
        indices.CopyTo(saved);
        return Tape.Record(y, new EmbeddingOp(weight, saved, paddingIndex));
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var w = Inputs[0];
        if (!w.RequiresGrad)
        {
            return;
        }

        var d = w.Shape[1];
        if (w.Grad is null)
        {
            // First gradient: scatter straight into it (zeroed), no table-sized scratch and copy.
            var target = w.GradTarget(out _);
            target.Clear();
            ScatterAdd(target, gradOutput, d);
            return;
        }

        var dw = GradientScratch.For(w);
        dw.Span.Clear();
        ScatterAdd(dw.Span, gradOutput, d);
        dw.AccumulateInto(w);
    }

    /// <summary>Adds each looked-up row's gradient into its table row, in lookup order (padding skipped).</summary>
    private void ScatterAdd(Span<float> table, ReadOnlySpan<float> gradOutput, int d)
    {
        for (var i = 0; i < indices.Length; i++)
        {
            if (indices[i] == paddingIndex)
            {
                continue;
            }

            var row = table.Slice(indices[i] * d, d);
            TensorPrimitives.Add(row, gradOutput.Slice(i * d, d), row);
        }
    }
}
