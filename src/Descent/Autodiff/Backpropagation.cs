namespace Descent.Autodiff;

/// <summary>Runs one backward pass: topological order from the root, then each node's backward in reverse.</summary>
internal static class Backpropagation
{
    [ThreadStatic]
    private static List<Node>? order;

    [ThreadStatic]
    private static Stack<(Node Node, int Next)>? stack;

    [ThreadStatic]
    private static Dictionary<Tensor, int>? leafUses;

    private static int stamp;

    public static void Run(Tensor root, ReadOnlySpan<float> seed)
    {
        if (!root.RequiresGrad)
        {
            throw new InvalidOperationException(
                "Backward(): the tensor does not require a gradient (no input required one, or it was computed under Tape.NoGrad())");
        }

        var ready = GradientHooks.Current;
        if (root.GradFn is null)
        {
            root.AccumulateGrad(seed);
            ready?.Invoke(root);
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

        var uses = ready is null ? null : CountLeafUses(topo);
        root.AccumulateGrad(seed);
        for (var i = topo.Count - 1; i >= 0; i--)
        {
            var node = topo[i];
            var output = node.Output;
            var g = output?.Grad;
            if (output is not null && g is not null)
            {
                node.Backward(output, g.Span);
                output.ReleaseIntermediateGrad();
            }

            if (uses is not null)
            {
                ReportFinishedLeaves(node, uses, ready!);
            }
        }

        topo.Clear();
    }

    /// <summary>How many recorded uses each leaf that requires a gradient has in <paramref name="topo"/>.</summary>
    private static Dictionary<Tensor, int> CountLeafUses(List<Node> topo)
    {
        var uses = leafUses ??= new(ReferenceEqualityComparer.Instance);
        uses.Clear();
        foreach (var node in topo)
        {
            var inputs = node.Inputs;
            for (var k = 0; k < inputs.Count; k++)
            {
                var t = inputs[k];
                if (t.IsLeaf && t.RequiresGrad)
                {
                    ref var n = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(uses, t, out _);
                    n++;
                }
            }
        }

        return uses;
    }

    /// <summary>After <paramref name="node"/>'s backward: reports the leaves it was the last user of.</summary>
    private static void ReportFinishedLeaves(Node node, Dictionary<Tensor, int> uses, Action<Tensor> ready)
    {
        var inputs = node.Inputs;
        for (var k = 0; k < inputs.Count; k++)
        {
            var t = inputs[k];
            if (t.IsLeaf && t.RequiresGrad)
            {
                ref var n = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(uses, t);
                if (--n == 0 && t.Grad is not null)
                {
                    ready(t);
                }
            }
        }
    }
}
