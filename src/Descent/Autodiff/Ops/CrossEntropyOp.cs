using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>Fused cross-entropy of logits [N, C] with class indices: L = −(1/N) Σᵢ log_softmax(xᵢ)[tᵢ];
/// dx = (softmax(x) − onehot(t)) · g / N. The log-probabilities are kept for the backward pass.</summary>
internal sealed class CrossEntropyOp : Node
{
    private readonly int[] targets;
    private readonly float[] logProbabilities;

    private CrossEntropyOp(Tensor logits, int[] targets, float[] logProbabilities)
        : base(logits)
    {
        this.targets = targets;
        this.logProbabilities = logProbabilities;
    }

    public override string Name => "CrossEntropyLossBackward";

    public static Tensor Forward(Tensor logits, ReadOnlySpan<int> targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Rank != 2)
        {
            throw new ArgumentException(
                $"CrossEntropyLoss: logits must be [N, C], got shape {ShapeUtil.Format(logits.Shape)}", nameof(logits));
        }

        int n = logits.Shape[0], c = logits.Shape[1];
        if (targets.Length != n)
        {
            throw new ShapeMismatchException("CrossEntropyLoss", logits.Shape, [targets.Length],
                $"{n} rows of logits need {n} class indices, got {targets.Length}");
        }

        for (var i = 0; i < targets.Length; i++)
        {
            if ((uint)targets[i] >= (uint)c)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), targets[i],
                    $"CrossEntropyLoss: targets[{i}] = {targets[i]} is not a class index in [0, {c}) for logits of shape {ShapeUtil.Format(logits.Shape)}");
            }
        }

        var record = Tape.ShouldRecord(logits);
        var logp = record ? Workspace.SavedFloats(n * c) : ArrayPoolBuffer.Rent(n * c);
        var x = logits.Span;
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var row = logp.AsSpan(i * c, c);
            LogSoftmaxOp.Row(x.Slice(i * c, c), row);
            total -= row[targets[i]];
        }

        var y = Tensor.Output([]);
        y.Span[0] = (float)(total / n);
        if (!record)
        {
            ArrayPoolBuffer.Return(logp);
            return y;
        }

        var saved = Workspace.SavedInts(n);
        targets.CopyTo(saved);
        return Tape.Record(y, new CrossEntropyOp(logits, saved, logp));
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var logits = Inputs[0];
        if (!logits.RequiresGrad)
        {
            return;
        }

        int n = logits.Shape[0], c = logits.Shape[1];
        var scale = gradOutput[0] / n;
        var scratch = GradientScratch.For(logits);
        var gx = scratch.Span;
        TensorPrimitives.Exp(logProbabilities, gx);
        for (var i = 0; i < n; i++)
        {
            gx[(i * c) + targets[i]] -= 1f;
        }

        TensorPrimitives.Multiply(gx, scale, gx);
        scratch.AccumulateInto(logits);
    }
}
