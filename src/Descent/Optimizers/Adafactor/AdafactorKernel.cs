using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Adafactor's update for one parameter. Clipping needs the RMS of the whole scaled gradient and the parameter
/// scale the RMS of the whole parameter, so the update takes passes:
/// <list type="bullet">
/// <item>Unfactored: pass 1 updates v and accumulates Σu² and Σp² (u = g/√v); pass 2 recomputes the same u and
/// applies it.</item>
/// <item>Factored: pass 1 accumulates the row and column sums of g² + ε (scalar, in double), then the small
/// v_row, v_col, row/column factors are updated; pass 2 accumulates Σu² (u = g·row·col); pass 3 applies.</item>
/// </list>
/// The final, element-wise part (clip, learning rate, parameter scale, momentum, weight decay, descent) is
/// <see cref="Tail"/>; the reductions sum in double (vector paths: float lanes per block, then double).
/// </summary>
internal static class AdafactorKernel
{
    private const int BlockIterations = 16;

    /// <summary>The element-wise tail: u ← u / clip; u ← lr·u; u ← u·scale; [m ← (1−μ)u + μm; u ← m];
    /// [u ← u + λp]; p ← p + (−u). Disabled clipping and scaling use exactly 1.</summary>
    internal readonly record struct Tail(
        float ClipDenominator, float LearningRate, float ParamScale,
        bool HasMomentum, float OneMinusMomentum, float Momentum, bool HasWeightDecay, float WeightDecayRate);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ApplyTail(float u, float p, ref float m, in Tail t)
    {
        u = u / t.ClipDenominator;
        u = t.LearningRate * u;
        u = u * t.ParamScale;
        if (t.HasMomentum)
        {
            u = (t.OneMinusMomentum * u) + (t.Momentum * m);
            m = u;
        }

        if (t.HasWeightDecay)
        {
            u = u + (t.WeightDecayRate * p);
        }

        return p + (-u);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ApplyTail<TV>(TV u, TV p, ref float rm, nuint i, in Tail t, TV clip, TV lr, TV scale, TV c, TV mu, TV wd)
        where TV : struct, IFloatVector<TV>
    {
        u = u / clip;
        u = lr * u;
        u = u * scale;
        if (t.HasMomentum)
        {
            u = (c * u) + (mu * TV.Load(ref rm, i));
            TV.Store(u, ref rm, i);
        }

        if (t.HasWeightDecay)
        {
            u = u + (wd * p);
        }

        return p - u;
    }

    /// <summary>Σp² in double (scalar).</summary>
    public static double SumSquares(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (var v in x)
        {
            s += v * v;
        }

        return s;
    }

    // ---------------- unfactored ----------------

    /// <summary>Pass 1 (unfactored): v = d·v + (1−d)(g² + ε); returns (Σu², Σp²) with u = g·(1/√v).</summary>
    public static (double UpdateSq, double ParamSq) UnfactoredStatsReference(
        ReadOnlySpan<float> p, ReadOnlySpan<float> g, Span<float> v, float decay, float oneMinusDecay, float eps)
    {
        double us = 0, ps = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var gi = g[i];
            var vi = (decay * v[i]) + (oneMinusDecay * ((gi * gi) + eps));
            v[i] = vi;
            var u = gi * (1f / MathF.Sqrt(vi));
            us += u * u;
            var pi = p[i];
            ps += pi * pi;
        }

        return (us, ps);
    }

    /// <summary>Pass 2 (unfactored): recompute u = g·(1/√v) and apply the tail.</summary>
    public static void UnfactoredApplyReference(Span<float> p, ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> m, in Tail t)
    {
        float dummy = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var u = g[i] * (1f / MathF.Sqrt(v[i]));
            p[i] = ApplyTail(u, p[i], ref t.HasMomentum ? ref m[i] : ref dummy, t);
        }
    }

    public static (double UpdateSq, double ParamSq) UnfactoredStatsSimd(
        ReadOnlySpan<float> p, ReadOnlySpan<float> g, Span<float> v, float decay, float oneMinusDecay, float eps)
    {
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rv = ref MemoryMarshal.GetReference(v);
        double us = 0, ps = 0;
        var i = 0;
        if (Vec512.IsSupported)
        {
            i = StatsLoop<Vec512>(ref rp, ref rg, ref rv, i, p.Length, decay, oneMinusDecay, eps, ref us, ref ps);
        }

        if (Vec256.IsSupported)
        {
            i = StatsLoop<Vec256>(ref rp, ref rg, ref rv, i, p.Length, decay, oneMinusDecay, eps, ref us, ref ps);
        }

        if (Vec128.IsSupported)
        {
            i = StatsLoop<Vec128>(ref rp, ref rg, ref rv, i, p.Length, decay, oneMinusDecay, eps, ref us, ref ps);
        }

        var (tu, tp) = UnfactoredStatsReference(p[i..], g[i..], v[i..], decay, oneMinusDecay, eps);
        return (us + tu, ps + tp);
    }

    private static int StatsLoop<TV>(
        ref float rp, ref float rg, ref float rv, int i, int n, float decay, float oneMinusDecay, float eps, ref double us, ref double ps)
        where TV : struct, IFloatVector<TV>
    {
        var d = TV.Create(decay);
        var omd = TV.Create(oneMinusDecay);
        var e = TV.Create(eps);
        var one = TV.Create(1f);
        while (i <= n - TV.Count)
        {
            var accU = TV.Create(0f);
            var accP = TV.Create(0f);
            for (var k = 0; k < BlockIterations && i <= n - TV.Count; k++, i += TV.Count)
            {
                var gi = TV.Load(ref rg, (nuint)i);
                var vi = (d * TV.Load(ref rv, (nuint)i)) + (omd * ((gi * gi) + e));
                TV.Store(vi, ref rv, (nuint)i);
                var u = gi * (one / TV.Sqrt(vi));
                accU += u * u;
                var pi = TV.Load(ref rp, (nuint)i);
                accP += pi * pi;
            }

            us += TV.SumToDouble(accU);
            ps += TV.SumToDouble(accP);
        }

        return i;
    }

    public static void UnfactoredApplySimd(Span<float> p, ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> m, in Tail t)
    {
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rv = ref MemoryMarshal.GetReference(v);
        ref var rm = ref MemoryMarshal.GetReference(m);
        var i = 0;
        if (Vec512.IsSupported)
        {
            i = UnfactoredApplyLoop<Vec512>(ref rp, ref rg, ref rv, ref rm, i, p.Length, t);
        }

        if (Vec256.IsSupported)
        {
            i = UnfactoredApplyLoop<Vec256>(ref rp, ref rg, ref rv, ref rm, i, p.Length, t);
        }

        if (Vec128.IsSupported)
        {
            i = UnfactoredApplyLoop<Vec128>(ref rp, ref rg, ref rv, ref rm, i, p.Length, t);
        }

        UnfactoredApplyReference(p[i..], g[i..], v[i..], t.HasMomentum ? m[i..] : m, t);
    }

    private static int UnfactoredApplyLoop<TV>(ref float rp, ref float rg, ref float rv, ref float rm, int i, int n, in Tail t)
        where TV : struct, IFloatVector<TV>
    {
        var one = TV.Create(1f);
        var clip = TV.Create(t.ClipDenominator);
        var lr = TV.Create(t.LearningRate);
        var scale = TV.Create(t.ParamScale);
        var c = TV.Create(t.OneMinusMomentum);
        var mu = TV.Create(t.Momentum);
        var wd = TV.Create(t.WeightDecayRate);
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var u = TV.Load(ref rg, (nuint)i) * (one / TV.Sqrt(TV.Load(ref rv, (nuint)i)));
            var pi = TV.Load(ref rp, (nuint)i);
            TV.Store(ApplyTail(u, pi, ref rm, (nuint)i, t, clip, lr, scale, c, mu, wd), ref rp, (nuint)i);
        }

        return i;
    }

    // ---------------- factored ----------------

    /// <summary>Pass 1 (factored): updates v_row and v_col from the means of g² + ε, then the row factors
    /// (v_row / mean(v_row over the row axis))^−½ and column factors v_col^−½ kept in the layout.</summary>
    public static void FactoredStats(
        FactoredLayout l, ReadOnlySpan<float> g, Span<float> vRow, Span<float> vCol, float decay, float oneMinusDecay, float eps)
    {
        var rowAcc = l.RowAcc;
        var colAcc = l.ColAcc;
        Array.Clear(rowAcc);
        Array.Clear(colAcc);
        l.Reset(out var rowBase, out var colBase);
        var last = l.Last;
        var ri = l.RowInner;
        var ci = l.ColInner;
        for (var o = 0; o < l.Runs; o++)
        {
            var baseIdx = o * last;
            for (var j = 0; j < last; j++)
            {
                var gi = g[baseIdx + j];
                var x = (gi * gi) + eps;
                rowAcc[rowBase + (j * ri)] += x;
                colAcc[colBase + (j * ci)] += x;
            }

            l.Next(ref rowBase, ref colBase);
        }

        for (var r = 0; r < vRow.Length; r++)
        {
            vRow[r] = (decay * vRow[r]) + (oneMinusDecay * (float)(rowAcc[r] / l.Cols));
        }

        for (var c = 0; c < vCol.Length; c++)
        {
            vCol[c] = (decay * vCol[c]) + (oneMinusDecay * (float)(colAcc[c] / l.Rows));
            l.ColFactor[c] = 1f / MathF.Sqrt(vCol[c]);
        }

        var inner = l.RowInnerSize;
        for (var o = 0; o < l.RowOuter; o++)
        {
            for (var k = 0; k < inner; k++)
            {
                double s = 0;
                for (var r = 0; r < l.Rows; r++)
                {
                    s += vRow[(((o * l.Rows) + r) * inner) + k];
                }

                var mean = (float)(s / l.Rows);
                l.RowColMean[(o * inner) + k] = mean;
                for (var r = 0; r < l.Rows; r++)
                {
                    var idx = (((o * l.Rows) + r) * inner) + k;
                    l.RowFactor[idx] = 1f / MathF.Sqrt(vRow[idx] / mean);
                }
            }
        }
    }

    /// <summary>The factored update of element <paramref name="idx"/>, the <paramref name="j"/>-th of its run:
    /// u = (g·row)·col.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float FactoredU(FactoredLayout l, ReadOnlySpan<float> g, int idx, int j, int rowBase, int colBase) =>
        (g[idx] * l.RowFactor[rowBase + (j * l.RowInner)]) * l.ColFactor[colBase + (j * l.ColInner)];

    /// <summary>Pass 2 (factored): Σu² with u = (g·row)·col.</summary>
    public static double FactoredUpdateSquares(FactoredLayout l, ReadOnlySpan<float> g)
    {
        double us = 0;
        l.Reset(out var rowBase, out var colBase);
        var last = l.Last;
        for (var o = 0; o < l.Runs; o++)
        {
            var baseIdx = o * last;
            for (var j = 0; j < last; j++)
            {
                var u = FactoredU(l, g, baseIdx + j, j, rowBase, colBase);
                us += u * u;
            }

            l.Next(ref rowBase, ref colBase);
        }

        return us;
    }

    /// <summary>Pass 3 (factored), scalar: recompute u and apply the tail.</summary>
    public static void FactoredApplyReference(FactoredLayout l, Span<float> p, ReadOnlySpan<float> g, Span<float> m, in Tail t)
    {
        float dummy = 0;
        l.Reset(out var rowBase, out var colBase);
        var last = l.Last;
        for (var o = 0; o < l.Runs; o++)
        {
            var baseIdx = o * last;
            for (var j = 0; j < last; j++)
            {
                var idx = baseIdx + j;
                var u = FactoredU(l, g, idx, j, rowBase, colBase);
                p[idx] = ApplyTail(u, p[idx], ref t.HasMomentum ? ref m[idx] : ref dummy, t);
            }

            l.Next(ref rowBase, ref colBase);
        }
    }

    /// <summary>Pass 3 (factored), vectorized along each run of the last axis.</summary>
    public static void FactoredApplySimd(FactoredLayout l, Span<float> p, ReadOnlySpan<float> g, Span<float> m, in Tail t)
    {
        float dummy = 0;
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rm = ref MemoryMarshal.GetReference(m);
        ref var rr = ref MemoryMarshal.GetArrayDataReference(l.RowFactor);
        ref var rc = ref MemoryMarshal.GetArrayDataReference(l.ColFactor);
        l.Reset(out var rowBase, out var colBase);
        var last = l.Last;
        for (var o = 0; o < l.Runs; o++)
        {
            var baseIdx = o * last;
            var j = 0;
            if (Vec512.IsSupported)
            {
                j = FactoredRun<Vec512>(ref rp, ref rg, ref rm, ref rr, ref rc, baseIdx, rowBase, colBase, j, last, l, t);
            }

            if (Vec256.IsSupported)
            {
                j = FactoredRun<Vec256>(ref rp, ref rg, ref rm, ref rr, ref rc, baseIdx, rowBase, colBase, j, last, l, t);
            }

            if (Vec128.IsSupported)
            {
                j = FactoredRun<Vec128>(ref rp, ref rg, ref rm, ref rr, ref rc, baseIdx, rowBase, colBase, j, last, l, t);
            }

            for (; j < last; j++)
            {
                var idx = baseIdx + j;
                var u = FactoredU(l, g, idx, j, rowBase, colBase);
                p[idx] = ApplyTail(u, p[idx], ref t.HasMomentum ? ref m[idx] : ref dummy, t);
            }

            l.Next(ref rowBase, ref colBase);
        }
    }

    private static int FactoredRun<TV>(
        ref float rp, ref float rg, ref float rm, ref float rr, ref float rc, int baseIdx, int rowBase, int colBase, int j, int last,
        FactoredLayout l, in Tail t)
        where TV : struct, IFloatVector<TV>
    {
        if (last - j < TV.Count)
        {
            return j;
        }

        var clip = TV.Create(t.ClipDenominator);
        var lr = TV.Create(t.LearningRate);
        var scale = TV.Create(t.ParamScale);
        var c = TV.Create(t.OneMinusMomentum);
        var mu = TV.Create(t.Momentum);
        var wd = TV.Create(t.WeightDecayRate);
        var rowB = TV.Create(l.RowFactor[rowBase]);
        var colB = TV.Create(l.ColFactor[colBase]);
        var rowRun = l.RowInner != 0;
        var colRun = l.ColInner != 0;
        for (; j <= last - TV.Count; j += TV.Count)
        {
            var i = (nuint)(baseIdx + j);
            var row = rowRun ? TV.Load(ref rr, (nuint)(rowBase + j)) : rowB;
            var col = colRun ? TV.Load(ref rc, (nuint)(colBase + j)) : colB;
            var u = (TV.Load(ref rg, i) * row) * col;
            TV.Store(ApplyTail(u, TV.Load(ref rp, i), ref rm, i, t, clip, lr, scale, c, mu, wd), ref rp, i);
        }

        return j;
    }
}
