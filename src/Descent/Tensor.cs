using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Autodiff;

namespace Descent;

/// <summary>
/// A float32 N-dimensional tensor with contiguous row-major storage.
/// </summary>
/// <remarks>
/// <para>The storage is a <em>view</em>: a buffer, an offset into it, and a length. Many tensors can share
/// one buffer, which is how a model's parameters, their gradients and an optimizer's state each live in one
/// contiguous arena that a fused kernel sweeps in a single pass.</para>
/// <para>Operations on tensors that <see cref="RequiresGrad"/> are recorded for reverse-mode differentiation
/// (see <see cref="Tape"/>); <see cref="Backward()"/> on a scalar fills <see cref="Grad"/> of every leaf.
/// Gradients accumulate across backward passes until cleared.</para>
/// </remarks>
public partial class Tensor
{
    /// <summary>The storage of a tensor released by its <see cref="Workspace"/> scope.</summary>
    private static readonly float[] ReleasedStorage = [];

    private float[] buffer;
    private int offset;
    private readonly int[] shape;
    private bool requiresGrad;
    private Tensor? grad;
    private Tensor? gradStorage;

    /// <summary>Creates a tensor that views the shape's element count of <paramref name="buffer"/>
    /// starting at <paramref name="offset"/>. The shape's element count must equal the length.</summary>
    public Tensor(float[] buffer, int offset, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        this.shape = ShapeUtil.Validate(shape);
        Length = ShapeUtil.Count(this.shape);
        if (offset < 0 || offset > buffer.Length - Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"a view of {Length} elements at offset {offset} does not fit a buffer of {buffer.Length}");
        }

        this.buffer = buffer;
        this.offset = offset;
        Workspace.Current?.TrackView(this, buffer);
    }

    /// <summary>A tensor over element 0.. of <paramref name="buffer"/> sharing the (validated, never
    /// mutated) <paramref name="shape"/> array; no checks (operation outputs and gradients).</summary>
    private Tensor(float[] buffer, int[] shape, int length)
    {
        this.buffer = buffer;
        this.shape = shape;
        Length = length;
    }

    /// <summary>Creates a zero-filled tensor of the given shape.</summary>
    public Tensor(params ReadOnlySpan<int> shape)
        : this(new float[ShapeUtil.Count(ShapeUtil.Validate(shape))], 0, shape)
    {
    }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => shape;

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => shape.Length;

    /// <summary>The size of dimension <paramref name="dim"/>; negative values count from the end.</summary>
    public int Dim(int dim) => shape[ShapeUtil.NormalizeAxis(dim, shape.Length)];

    /// <summary>The underlying buffer (shared with other views).</summary>
    public float[] Buffer => buffer;

    /// <summary>Offset of element 0 in <see cref="Buffer"/>.</summary>
    public int Offset => offset;

    /// <summary>The elements, row-major.</summary>
    /// <exception cref="InvalidOperationException">The tensor was an intermediate of a <see cref="Workspace"/>
    /// scope that has ended.</exception>
    public Span<float> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var b = buffer;
            if ((ulong)(uint)offset + (uint)Length > (uint)b.Length)
            {
                ThrowReleased();
            }

            return MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(b), offset), Length);
        }
    }

    /// <summary>True when this tensor was an intermediate of a <see cref="Workspace"/> scope that has ended
    /// (its elements can no longer be read).</summary>
    public bool IsReleased => ReferenceEquals(buffer, ReleasedStorage) && Length > 0;

    /// <summary>Whether operations on this tensor are recorded for differentiation. Only leaves (tensors
    /// not produced by a recorded operation) may be changed.</summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (GradFn is not null && !value)
            {
                throw new InvalidOperationException(
                    $"RequiresGrad can only be changed on a leaf tensor; this one was produced by {GradFn.Name}");
            }

            requiresGrad = value;
        }
    }

    /// <summary>True when this tensor was not produced by a recorded operation.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>The recorded operation that produced this tensor, or null for a leaf.</summary>
    public Node? GradFn { get; private set; }

    /// <summary>The accumulated gradient, or null when there is none (never computed, or cleared).</summary>
    public Tensor? Grad
    {
        get => grad;
        set
        {
            if (value is not null)
            {
                ShapeUtil.CheckSameShape(shape, value.shape, "Grad");
            }

            grad = value;
        }
    }

    /// <summary>
    /// Storage that the gradient is written into when it is next created, so that gradients can live in a
    /// contiguous arena. Clearing the gradient (<see cref="ZeroGrad(bool)"/>) keeps this storage.
    /// </summary>
    public Tensor? GradStorage
    {
        get => gradStorage;
        set
        {
            if (value is not null)
            {
                ShapeUtil.CheckSameShape(shape, value.shape, "GradStorage");
            }

            if (grad is not null && value is not null && !ReferenceEquals(grad, value))
            {
                value.Span.Clear();
                grad.Span.CopyTo(value.Span);
                grad = value;
            }

            gradStorage = value;
        }
    }

    /// <summary>Clears the gradient: to no-gradient (the default, like PyTorch's set_to_none) or to zeros.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        if (grad is null)
        {
            return;
        }

        if (setToNone)
        {
            grad = null;
        }
        else
        {
            grad.Span.Clear();
        }
    }

    /// <summary>Moves this tensor's storage to a new place (e.g. an arena), copying its values.</summary>
    public void MoveStorage(float[] newBuffer, int newOffset)
    {
        ArgumentNullException.ThrowIfNull(newBuffer);
        if (newOffset < 0 || newOffset > newBuffer.Length - Length)
        {
            throw new ArgumentOutOfRangeException(nameof(newOffset), newOffset,
                $"a view of {Length} elements does not fit a buffer of {newBuffer.Length}");
        }

        Span.CopyTo(newBuffer.AsSpan(newOffset, Length));
        buffer = newBuffer;
        offset = newOffset;
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Length != 1)
        {
            throw new InvalidOperationException(
                $"Item() needs a tensor with one element, but this one has shape {ShapeUtil.Format(shape)}");
        }

        return Span[0];
    }

    /// <summary>
    /// The index of the largest element along <paramref name="axis"/> (default the last: the predicted class of every
    /// row of logits or probabilities), for every position of the other axes, row-major — like <c>torch.argmax(x, dim)</c>:
    /// the first index on ties, and a NaN counts as the largest.
    /// </summary>
    /// <example><c>int[] classes = model.Predict(x).ArgMax();</c></example>
    public int[] ArgMax(int axis = -1)
    {
        if (Rank == 0)
        {
            return [0];
        }

        var (outer, length, inner) = Autodiff.Ops.SumOp.Split(shape, ShapeUtil.NormalizeAxis(axis, Rank));
        if (length == 0)
        {
            throw new InvalidOperationException($"ArgMax along an axis of length 0 (shape {ShapeUtil.Format(shape)})");
        }

        var s = Span;
        var result = new int[outer * inner];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var start = (o * length * inner) + i;
                var best = 0;
                var max = s[start];
                for (var k = 1; k < length && !float.IsNaN(max); k++)
                {
                    var v = s[start + (k * inner)];
                    if (v > max || float.IsNaN(v))
                    {
                        best = k;
                        max = v;
                    }
                }

                result[(o * inner) + i] = best;
            }
        }

        return result;
    }

    /// <summary>A copy of the elements, row-major.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>Element at a flat (row-major) index.</summary>
    [IndexerName("Element")]
    public float this[int flatIndex]
    {
        get => Span[flatIndex];
        set => Span[flatIndex] = value;
    }

    /// <summary>Element (i, j) of a 2-D tensor.</summary>
    [IndexerName("Element")]
    public float this[int i, int j]
    {
        get
        {
            CheckRank(2);
            return Span[(i * shape[1]) + j];
        }

        set
        {
            CheckRank(2);
            Span[(i * shape[1]) + j] = value;
        }
    }

    /// <summary>A tensor with the same values that is not recorded (a new leaf sharing the storage).</summary>
    public Tensor Detach()
    {
        if (IsReleased)
        {
            ThrowReleased();
        }

        return new(buffer, offset, shape);
    }

    /// <summary>A deep copy of the values (not recorded, no gradient).</summary>
    public Tensor Clone()
    {
        var t = new Tensor(shape);
        Span.CopyTo(t.Span);
        return t;
    }

    /// <summary>Copies <paramref name="source"/>'s values into this tensor (same shape), outside of autodiff.</summary>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ShapeUtil.CheckSameShape(shape, source.shape, "CopyFrom");
        source.Span.CopyTo(Span);
    }

    /// <summary>Fills every element with <paramref name="value"/>, outside of autodiff.</summary>
    public void Fill(float value) => Span.Fill(value);

    /// <inheritdoc />
    public override string ToString() => TensorFormatter.Format(this);

    // ---------------- autodiff plumbing ----------------

    /// <summary>A new operation output: from the current <see cref="Workspace"/> when a scope is open
    /// (contents unspecified: the operation must write every element), else a fresh zero-filled tensor.</summary>
    internal static Tensor Output(ReadOnlySpan<int> shape) =>
        Workspace.Current is { } w ? w.RentTensor(shape) : new Tensor(shape);

    /// <summary>A tensor over <paramref name="buffer"/> (from a <see cref="Workspace"/>) with a validated shape.</summary>
    internal static Tensor OverStorage(float[] buffer, int[] shape, int length) => new(buffer, shape, length);

    /// <summary>Detaches this tensor from its storage when its <see cref="Workspace"/> scope ends.</summary>
    internal void ReleaseStorage()
    {
        ReleaseIntermediateGrad();
        buffer = ReleasedStorage;
        offset = 0;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowReleased()
    {
        if (IsReleased)
        {
            throw new InvalidOperationException(
                $"this tensor (shape {ShapeUtil.Format(shape)}) was produced inside a Workspace scope that has ended, and its " +
                "storage has been reused; read or Clone() it before the scope ends");
        }

        throw new InvalidOperationException(
            $"a view of {Length} elements at offset {offset} does not fit its buffer of {buffer.Length}");
    }

    /// <summary>Attaches the operation that produced this tensor (called by operations when recording).</summary>
    internal void SetGradFn(Node node)
    {
        GradFn = node;
        node.Output = this;
        requiresGrad = true;
    }

    /// <summary>Adds <paramref name="g"/> into this tensor's gradient, creating it if needed.</summary>
    internal void AccumulateGrad(ReadOnlySpan<float> g)
    {
        if (g.Length != Length)
        {
            throw new InvalidOperationException(
                $"gradient of length {g.Length} does not match tensor of shape {ShapeUtil.Format(shape)}");
        }

        var target = GradTarget(out var accumulate);
        if (accumulate)
        {
            TensorPrimitives.Add(target, g, target);
        }
        else
        {
            g.CopyTo(target);
        }
    }

    /// <summary>
    /// Where a backward pass writes this tensor's gradient without a scratch copy: the existing gradient
    /// (<paramref name="accumulate"/> true: add into it) or new storage (false: the caller must write every element, as
    /// <see cref="AccumulateGrad"/> would have copied them).
    /// </summary>
    internal Span<float> GradTarget(out bool accumulate)
    {
        accumulate = grad is not null;
        grad ??= IsLeaf ? gradStorage ?? new Tensor(shape) : new Tensor(ArrayPoolBuffer.Rent(Length), shape, Length);
        return grad.Span;
    }

    /// <summary>Gives this intermediate tensor's gradient storage to <paramref name="target"/>, another intermediate with
    /// as many elements and no gradient yet, instead of a copy (a view op's backward pass: the storage would be released
    /// right after); false, and nothing changes, when either is a leaf or the target already has a gradient.</summary>
    internal bool HandGradTo(Tensor target)
    {
        if (IsLeaf || grad is null || grad.offset != 0 || target.IsLeaf || target.grad is not null || target.Length != Length || grad.Length != Length)
        {
            return false;
        }

        target.grad = new Tensor(grad.buffer, target.shape, Length);
        grad = null;
        return true;
    }

    /// <summary>Releases the temporary gradient of a non-leaf tensor after backward used it.</summary>
    internal void ReleaseIntermediateGrad()
    {
        if (!IsLeaf && grad is not null)
        {
            ArrayPoolBuffer.Return(grad.buffer);
            grad = null;
        }
    }

    /// <summary>
    /// Computes the gradient of this scalar with respect to every leaf that requires a gradient, adding
    /// it into their <see cref="Grad"/>.
    /// </summary>
    public void Backward()
    {
        if (Length != 1)
        {
            throw new InvalidOperationException(
                $"Backward() without a gradient needs a scalar, but this tensor has shape {ShapeUtil.Format(shape)}; " +
                "pass the output gradient explicitly");
        }

        Span<float> one = [1f];
        Backpropagation.Run(this, one);
    }

    /// <summary>Backpropagates <paramref name="gradOutput"/> (same shape as this tensor).</summary>
    public void Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        ShapeUtil.CheckSameShape(shape, gradOutput.shape, "Backward");
        Backpropagation.Run(this, gradOutput.Span);
    }

    private void CheckRank(int rank)
    {
        if (shape.Length != rank)
        {
            throw new InvalidOperationException(
                $"expected a {rank}-D tensor, got shape {ShapeUtil.Format(shape)}");
        }
    }
}
