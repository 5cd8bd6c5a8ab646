using Descent.Autodiff.Ops;

namespace Descent.Nn.Losses;

/// <summary>
/// Cross-entropy of unnormalized logits [N, C] against class indices in [0, C): the mean over the batch of
/// −log softmax(logits)[i, target[i]]; equivalent to torch.nn.CrossEntropyLoss() (mean reduction, no class
/// weights, no label smoothing). Computed with a stable log-softmax; the gradient is (softmax − onehot) / N.
/// </summary>
public sealed class CrossEntropyLoss
{
    /// <summary>The loss, a 0-D tensor. Throws when <paramref name="targets"/> has not N entries or holds an
    /// index outside [0, C).</summary>
    public Tensor Forward(Tensor logits, ReadOnlySpan<int> targets) => CrossEntropyOp.Forward(logits, targets);

    /// <summary>The loss, a 0-D tensor; see <see cref="Forward(Tensor, ReadOnlySpan{int})"/>.</summary>
    public Tensor Forward(Tensor logits, int[] targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return CrossEntropyOp.Forward(logits, targets);
    }

    /// <summary>The loss, a 0-D tensor, for labels in any list (e.g. <see cref="Training.Dataset.Labels"/> or a
    /// <c>List&lt;int&gt;</c>); see <see cref="Forward(Tensor, ReadOnlySpan{int})"/>.</summary>
    public Tensor Forward(Tensor logits, IReadOnlyList<int> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return CrossEntropyOp.Forward(logits, targets switch
        {
            int[] array => array,
            List<int> list => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list),
            _ => targets.ToArray(),
        });
    }
}
