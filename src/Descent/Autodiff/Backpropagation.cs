namespace Descent.Autodiff;

/// <summary>Runs one backward pass: topological order from the root, then each node's backward in reverse.</summary>
internal static class Backpropagation
{
    [ThreadStatic]
    private static List<Node>? order;

    [ThreadStatic]
    private static Stack<(Node Node, int Next)>? stack;

    private static int stamp;

    public static void Run(Tensor root, ReadOnlySpan<float> seed)
    {
        if (!root.RequiresGrad)
        {
            throw new InvalidOperationException(
                "Backward(): the tensor does not require a gradient (no input required one, or it was computed under Tape.NoGrad())");
        }

        if (root.GradFn is null)
        {
            root.AccumulateGrad(seed);
            return;
        }

        var topo = order ??= [];
        var work = stack ??= new();
        topo.Clear();
        var mark = Interlocked.Increment(ref stamp);

        // Iterative post-order DFS: a node is appended after all nodes it depends on.
        root.GradFn.VisitStamp = mark;
        work.Push((root.GradFn, 0));
        while (work.Count > 0)
        {
            var (node, next) = work.Pop();
            var inputs = node.Inputs;
            var pushed = false;
            for (var i = next; i < inputs.Count; i++)
            {
                var child = inputs[i].GradFn;
                if (child is not null && child.VisitStamp != mark)
                {
                    child.VisitStamp = mark;
                    work.Push((node, i + 1));
                    work.Push((child, 0));
                    pushed = true;
                    break;
                }
            }

            if (!pushed)
            {
                topo.Add(node);
            }
        }

        root.AccumulateGrad(seed);
        for (var i = topo.Count - 1; i >= 0; i--)
        {
            var node = topo[i];
            var output = node.Output;
            var g = output?.Grad;
            if (output is null || g is null)
            {
                continue;
            }

            node.Backward(output, g.Span);
            output.ReleaseIntermediateGrad();
        }

        topo.Clear();
    }
}
