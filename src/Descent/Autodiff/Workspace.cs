using System.Runtime.CompilerServices;

namespace Descent.Autodiff;

/// <summary>
/// Recycles the storage of intermediate tensors from one training step to the next, so that a steady-state
/// step allocates (almost) nothing and triggers no garbage collections.
/// </summary>
/// <remarks>
/// <para>Between <see cref="Begin"/> and the disposal of the returned scope, the outputs of operations
/// (layer outputs, activations, losses — every tensor an autodiff operation produces on this thread, recorded
/// or not) take their storage from this workspace. When the scope ends, all of them are <em>released</em>:
/// their storage goes back to the workspace, and the next scope hands it out again. A typical loop:</para>
/// <code>
/// var workspace = new Workspace();
/// for (var step = 0; step &lt; steps; step++)
/// {
///     using (workspace.Begin())
///     {
///         optimizer.ZeroGrad();
///         var loss = lossFn.Forward(model.Forward(x), y);
///         loss.Backward();
///         optimizer.Step();
///         total += loss.Item();   // read what you need inside the scope
///     }
/// }
/// </code>
/// <para>Lifetime rule: a tensor produced by an operation inside a scope, and any view of it (e.g.
/// <see cref="Tensor.Detach"/>, a reshape), is valid until that scope ends. Afterwards any access to its
/// elements throws <see cref="InvalidOperationException"/> (the tensor is detached from the storage, which is
/// never silently shared with a later step); call <see cref="Tensor.Clone"/> inside the scope to keep values.
/// Parameters, gradients, optimizer state and tensors created directly (constructors, <c>Tensor.Normal</c>,
/// data batches) are never managed by a workspace. Views of an output created outside the scope that
/// produced it are not tracked.</para>
/// <para>A workspace belongs to one thread at a time; scopes of different workspaces nest (the innermost is
/// current) and must end in reverse order. Memory held: the largest set of intermediates one scope used,
/// until <see cref="Clear"/>. Without an active scope operations allocate their outputs as usual.</para>
/// <para>Inference (nothing recorded) needs no intermediate once the next layer has read it: a model runs each of its
/// layers through <see cref="Stage{TState}"/>, so that a pass holds one layer's intermediates instead of all of them.</para>
/// </remarks>
public sealed class Workspace
{
    [ThreadStatic]
    private static Workspace? current;

    private readonly Dictionary<int, Stack<float[]>> freeFloats = [];
    private readonly Dictionary<int, Stack<int[]>> freeInts = [];
    private readonly List<Tensor> lentTensors = [];
    private readonly List<float[]> lentFloats = [];
    private readonly List<int[]> lentInts = [];
    private readonly HashSet<float[]> lentSet = new(ReferenceEqualityComparer.Instance);
    private Workspace? previous;
    private Workspace? stages;
    private bool active;
    private long reservedBytes;

    /// <summary>True while a scope of this workspace is open.</summary>
    public bool IsActive => active;

    /// <summary>Bytes of storage this workspace holds (handed out or free for reuse), its stages' included.</summary>
    public long ReservedBytes => reservedBytes + (stages?.ReservedBytes ?? 0);

    /// <summary>The workspace whose scope is innermost on this thread, or null.</summary>
    internal static Workspace? Current => current;

    /// <summary>Makes this workspace current on the calling thread until the returned scope is disposed.</summary>
    /// <exception cref="InvalidOperationException">A scope of this workspace is already open.</exception>
    public Scope Begin()
    {
        if (active)
        {
            throw new InvalidOperationException("this workspace already has an open scope; end it before beginning another");
        }

        previous = current;
        current = this;
        active = true;
        return new Scope(this);
    }

    /// <summary>Drops the storage kept for reuse (not while a scope is open).</summary>
    public void Clear()
    {
        if (active)
        {
            throw new InvalidOperationException("Clear() is not allowed while a scope of the workspace is open");
        }

        freeFloats.Clear();
        freeInts.Clear();
        reservedBytes = 0;
        stages?.Clear();
    }

    /// <summary>
    /// Runs one stage of a pass that records nothing (inside <see cref="Tape.NoGrad"/>), e.g. one layer of a deep model, so
    /// that its intermediates are released as soon as it returns: within the current scope, <paramref name="stage"/> runs in a
    /// nested scope of a second workspace that the current one keeps for its stages (reused by the next stage), and only its
    /// result is copied into the current scope's storage. A pass of layers staged this way holds one layer's intermediates
    /// and the layers' outputs instead of every intermediate of the pass; the values are those of the unstaged pass. Where
    /// operations are recorded (backward needs the intermediates) or no scope is open, <paramref name="stage"/> simply runs.
    /// </summary>
    /// <param name="state">What the stage reads (passed on, so that a static lambda needs no closure).</param>
    /// <param name="stage">Computes the stage's result from <paramref name="state"/>.</param>
    /// <returns>The stage's result: a tensor of the current scope when staged, else what <paramref name="stage"/> returned.</returns>
    public static Tensor Stage<TState>(TState state, Func<TState, Tensor> stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (Tape.IsRecording || current is not { } outer)
        {
            return stage(state);
        }

        var inner = outer.stages ??= new Workspace();
        using (inner.Begin())
        {
            var result = stage(state);
            var kept = outer.RentTensor(result.Shape);
            result.Span.CopyTo(kept.Span);
            return kept;
        }
    }

    /// <summary>An operation output of the given shape whose contents are unspecified (the operation
    /// overwrites every element).</summary>
    internal Tensor RentTensor(ReadOnlySpan<int> shape)
    {
        var validated = ShapeUtil.Validate(shape);
        var length = ShapeUtil.Count(validated);
        var t = Tensor.OverStorage(RentFloats(length), validated, length);
        lentTensors.Add(t);
        return t;
    }

    /// <summary>Scratch that an operation keeps until the scope ends (e.g. values saved for backward);
    /// exactly <paramref name="length"/> elements, contents unspecified.</summary>
    internal float[] RentFloats(int length)
    {
        var array = Rent(freeFloats, lentFloats, length);
        lentSet.Add(array);
        return array;
    }

    /// <summary>Integer scratch kept until the scope ends; exactly <paramref name="length"/> elements.</summary>
    internal int[] RentInts(int length) => Rent(freeInts, lentInts, length);

    /// <summary>Storage an operation saves for its backward pass: from the current workspace when a scope is
    /// open (contents unspecified), else a fresh zero-filled array; exactly <paramref name="length"/> elements.</summary>
    internal static float[] SavedFloats(int length) => current is { } w ? w.RentFloats(length) : new float[length];

    /// <summary>Integer storage an operation saves for its backward pass (as <see cref="SavedFloats"/>).</summary>
    internal static int[] SavedInts(int length) => current is { } w ? w.RentInts(length) : new int[length];

    /// <summary>Called for every tensor constructed over an existing buffer while this workspace is current:
    /// a view of a lent buffer is released together with it.</summary>
    internal void TrackView(Tensor view, float[] buffer)
    {
        if (lentSet.Contains(buffer))
        {
            lentTensors.Add(view);
        }
    }

    private void End()
    {
        if (!ReferenceEquals(current, this))
        {
            throw new InvalidOperationException("workspace scopes must end in the reverse order they began, on the thread that began them");
        }

        current = previous;
        previous = null;
        active = false;
        foreach (var t in lentTensors)
        {
            t.ReleaseStorage();
        }

        lentTensors.Clear();
        foreach (var a in lentFloats)
        {
            Free(freeFloats, a);
        }

        foreach (var a in lentInts)
        {
            Free(freeInts, a);
        }

        lentFloats.Clear();
        lentInts.Clear();
        lentSet.Clear();
    }

    /// <summary>A free array of exactly <paramref name="length"/> elements (a new one, counted in
    /// <see cref="ReservedBytes"/>, when none is free), recorded in <paramref name="lent"/>.</summary>
    private T[] Rent<T>(Dictionary<int, Stack<T[]>> free, List<T[]> lent, int length)
        where T : unmanaged
    {
        T[] array;
        if (free.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            array = stack.Pop();
        }
        else
        {
            array = GC.AllocateUninitializedArray<T>(length);
            reservedBytes += (long)Unsafe.SizeOf<T>() * length;
        }

        lent.Add(array);
        return array;
    }

    private static void Free<T>(Dictionary<int, Stack<T[]>> free, T[] array)
    {
        if (!free.TryGetValue(array.Length, out var stack))
        {
            stack = new Stack<T[]>();
            free.Add(array.Length, stack);
        }

        stack.Push(array);
    }

    /// <summary>The scope returned by <see cref="Begin"/>; disposing it releases the scope's intermediates.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Workspace? owner;

        internal Scope(Workspace owner) => this.owner = owner;

        /// <inheritdoc />
        public void Dispose() => owner?.End();
    }
}
