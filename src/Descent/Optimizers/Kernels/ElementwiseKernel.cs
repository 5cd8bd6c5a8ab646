using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The one driver of the element-wise optimizer updates (<see cref="IElementwiseUpdate"/>): checks lengths and
/// aliasing, then runs the scalar reference, or the vector form at 512, 256 and 128 bits followed by the scalar
/// form for the tail. <see cref="ElementwiseJob{TUpdate}"/> adds the <see cref="KernelPath"/> choice and the
/// split across cores for tensors of at least <see cref="SplitThreshold"/> elements.
/// </summary>
internal static class ElementwiseKernel
{
    /// <summary>
    /// Tensors with at least this many elements are split across cores under <see cref="KernelPath.Auto"/>
    /// and <see cref="KernelPath.Simd"/>, in chunks of at least half of it (so a split always gives each worker
    /// 64 Ki elements or more).
    /// </summary>
    /// <remarks>Measured (docs/benchmarks.md, "Optimizer split threshold"; Adam, 2-core VM, best of 300 steps,
    /// single vs split): 64 Ki 0.0155 vs 0.0175 ms, 128 Ki 0.0334 vs 0.0338 ms, 1 Mi 0.280 vs 0.265 ms. Below
    /// 128 Ki the hand-off costs more than it saves; from there on the split is at least even.</remarks>
    public const int SplitThreshold = 1 << 17;

    /// <summary>Smallest chunk one worker gets when a sweep is split.</summary>
    public const int MinChunk = SplitThreshold / 2;

    /// <summary>Whether <paramref name="path"/> runs the vector form (every path but the reference).</summary>
    public static bool UsesSimd(KernelPath path) => path != KernelPath.Reference;

    /// <summary>Whether a sweep over <paramref name="length"/> elements on <paramref name="path"/> is split
    /// across cores.</summary>
    public static bool Splits(KernelPath path, int length) =>
        UsesSimd(path) && length >= SplitThreshold && Numerics.ParallelRange.MaxWorkers > 1;

    /// <summary>The scalar reference over all elements.</summary>
    public static void Reference<TUpdate>(in TUpdate update, Span<float> p, ReadOnlySpan<float> g,
        Span<float> a = default, Span<float> b = default, Span<float> c = default)
        where TUpdate : struct, IElementwiseUpdate
    {
        Check(p, g, a, b, c);
        ScalarLoop(update, ref MemoryMarshal.GetReference(p), ref MemoryMarshal.GetReference(g),
            ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), 0, p.Length);
    }

    /// <summary>The vectorized form (widest vectors first, scalar tail) on the calling thread.</summary>
    public static void Simd<TUpdate>(in TUpdate update, Span<float> p, ReadOnlySpan<float> g,
        Span<float> a = default, Span<float> b = default, Span<float> c = default)
        where TUpdate : struct, IElementwiseUpdate
    {
        Check(p, g, a, b, c);
        SimdUnchecked(update, p, g, a, b, c);
    }

    /// <summary>As <see cref="Simd{TUpdate}"/> without the length and aliasing checks, for callers that run many
    /// small sweeps over buffers they own (the block-wise low-precision step checks once per tensor).</summary>
    public static void SimdUnchecked<TUpdate>(in TUpdate update, Span<float> p, ReadOnlySpan<float> g,
        Span<float> a = default, Span<float> b = default, Span<float> c = default)
        where TUpdate : struct, IElementwiseUpdate
    {
        var op = update;
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rc = ref MemoryMarshal.GetReference(c);
        var n = p.Length;
        var i = Loop<TUpdate, Vec512>(op, ref rp, ref rg, ref ra, ref rb, ref rc, 0, n);
        i = Loop<TUpdate, Vec256>(op, ref rp, ref rg, ref ra, ref rb, ref rc, i, n);
        i = Loop<TUpdate, Vec128>(op, ref rp, ref rg, ref ra, ref rb, ref rc, i, n);
        ScalarLoop(op, ref rp, ref rg, ref ra, ref rb, ref rc, i, n);
    }

    /// <summary>The scalar form over elements [<paramref name="from"/>, <paramref name="to"/>): the whole reference
    /// path, and the vector path's tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScalarLoop<TUpdate>(TUpdate op, ref float rp, ref float rg, ref float ra, ref float rb,
        ref float rc, int from, int to)
        where TUpdate : struct, IElementwiseUpdate
    {
        for (var k = (nuint)from; k < (nuint)to; k++)
        {
            op.Scalar(ref Unsafe.Add(ref rp, k), Unsafe.Add(ref rg, k),
                ref Unsafe.Add(ref ra, k), ref Unsafe.Add(ref rb, k), ref Unsafe.Add(ref rc, k));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Loop<TUpdate, TV>(TUpdate op, ref float p, ref float g, ref float a, ref float b, ref float c, int i, int n)
        where TUpdate : struct, IElementwiseUpdate
        where TV : struct, IFloatVector<TV>
    {
        if (!TV.IsSupported)
        {
            return i;
        }

        for (; i <= n - TV.Count; i += TV.Count)
        {
            op.Vector<TV>(ref p, ref g, ref a, ref b, ref c, (nuint)i);
        }

        return i;
    }

    /// <summary>Every state buffer is empty (unused) or as long as the parameter; buffers are identical or
    /// disjoint (an update reads each element before it writes it, so only a partial overlap is wrong).</summary>
    private static void Check(Span<float> p, ReadOnlySpan<float> g, Span<float> a, Span<float> b, Span<float> c)
    {
        KernelGuard.SameLength(p.Length, g.Length, "grad");
        KernelGuard.SameLengthOrEmpty(p.Length, a.Length, "state a");
        KernelGuard.SameLengthOrEmpty(p.Length, b.Length, "state b");
        KernelGuard.SameLengthOrEmpty(p.Length, c.Length, "state c");
        ReadOnlySpan<float> pr = p, ar = a, br = b, cr = c;
        KernelGuard.IdenticalOrDisjoint(pr, g, "param", "grad");
        KernelGuard.IdenticalOrDisjoint(pr, ar, "param", "state a");
        KernelGuard.IdenticalOrDisjoint(pr, br, "param", "state b");
        KernelGuard.IdenticalOrDisjoint(pr, cr, "param", "state c");
        KernelGuard.IdenticalOrDisjoint(g, ar, "grad", "state a");
        KernelGuard.IdenticalOrDisjoint(g, br, "grad", "state b");
        KernelGuard.IdenticalOrDisjoint(g, cr, "grad", "state c");
        KernelGuard.IdenticalOrDisjoint(ar, br, "state a", "state b");
        KernelGuard.IdenticalOrDisjoint(ar, cr, "state a", "state c");
        KernelGuard.IdenticalOrDisjoint(br, cr, "state b", "state c");
    }
}
