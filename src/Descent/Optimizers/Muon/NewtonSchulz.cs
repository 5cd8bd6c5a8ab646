using System.Numerics;
using System.Runtime.InteropServices;
using Descent.Checkpoints;
using Descent.Numerics;

namespace Descent.Optimizers;

/// <summary>
/// Muon's orthogonalization (PyTorch's <c>_zeropower_via_newtonschulz</c>, the <c>addmm</c> form), with reusable
/// scratch so that a steady-state step allocates nothing. For a rows×cols update U (transposed first when
/// rows &gt; cols, so X is r×c with r ≤ c):
/// <code>
/// X = R(U);  X = R(X / max(R(‖X‖_F), R(eps)))
/// ns_steps × { G = R(X·Xᵀ);  P = R(b·G + c·G·G);  X = R(a·X + P·X) }
/// O = X (transposed back)
/// </code>
/// R rounds to bfloat16 (round to nearest even; vectorized, or the scalar reference on <see cref="KernelPath.Reference"/>)
/// under <see cref="NewtonSchulzPrecision.BFloat16"/> and is the identity under <see cref="NewtonSchulzPrecision.Float32"/>. The norm is summed in double; each product is one
/// float32 GEMM (Descent's <see cref="Gemm"/>, or <see cref="GemmReference"/> on <see cref="KernelPath.Reference"/>),
/// addmm's two terms in the same GEMM call, rounded once.
/// </summary>
internal sealed class NewtonSchulz
{
    private float[] x = [];
    private float[] next = [];
    private float[] gram = [];
    private float[] poly = [];

    /// <summary>Writes the orthogonalized <paramref name="update"/> (row-major rows×cols) to
    /// <paramref name="output"/> (same layout).</summary>
    public void Orthogonalize(ReadOnlySpan<float> update, int rows, int cols, Span<float> output, MuonOptions options, KernelPath path)
    {
        var n = rows * cols;
        var transposed = rows > cols;
        var r = transposed ? cols : rows;
        var c = transposed ? rows : cols;
        Grow(ref x, n);
        Grow(ref next, n);
        Grow(ref gram, r * r);
        Grow(ref poly, r * r);
        var bf16 = options.Precision == NewtonSchulzPrecision.BFloat16;
        var reference = path == KernelPath.Reference;
        var simd = bf16 && !reference;

        var xs = x.AsSpan(0, n);
        Transpose(update, xs, rows, cols, transposed);
        Round(xs, bf16, simd);

        var sum = 0.0;
        foreach (var v in xs)
        {
            sum += (double)v * v;
        }

        var norm = Round((float)Math.Sqrt(sum), bf16);
        var divisor = MathF.Max(norm, Round((float)options.Epsilon, bf16));
        for (var i = 0; i < xs.Length; i++)
        {
            xs[i] = Round(xs[i] / divisor, bf16);
        }

        var a = (float)options.NewtonSchulzA;
        var b = (float)options.NewtonSchulzB;
        var cc = (float)options.NewtonSchulzC;
        for (var step = 0; step < options.NewtonSchulzSteps; step++)
        {
            var xc = x.AsSpan(0, n);
            var g = gram.AsSpan(0, r * r);
            var p = poly.AsSpan(0, r * r);
            var nx = next.AsSpan(0, n);

            Multiply(reference, false, true, r, r, c, 1f, xc, c, xc, c, 0f, g, r);
            Round(g, bf16, simd);
            g.CopyTo(p);
            Multiply(reference, false, false, r, r, r, cc, g, r, g, r, b, p, r);
            Round(p, bf16, simd);
            xc.CopyTo(nx);
            Multiply(reference, false, false, r, c, r, 1f, p, r, xc, c, a, nx, c);
            Round(nx, bf16, simd);
            (x, next) = (next, x);
        }

        Transpose(x.AsSpan(0, n), output, r, c, transposed);
    }

    /// <summary>Rounds a float32 value to the nearest bfloat16 (ties to even), as PyTorch's conversion.</summary>
    internal static float ToBFloat16(float value) => BitConverter.UInt32BitsToSingle((uint)SafetensorsFile.ToBFloat16(value) << 16);

    private static float Round(float value, bool bf16) => bf16 ? ToBFloat16(value) : value;

    private static void Round(Span<float> values, bool bf16, bool simd)
    {
        if (!bf16)
        {
            return;
        }

        if (simd)
        {
            RoundToBFloat16Simd(values);
        }
        else
        {
            RoundToBFloat16Reference(values);
        }
    }

    /// <summary>Rounds every value to bfloat16 in place, one at a time (the reference).</summary>
    internal static void RoundToBFloat16Reference(Span<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ToBFloat16(values[i]);
        }
    }

    /// <summary>As <see cref="RoundToBFloat16Reference"/> on vectors: bits + 0x7FFF + (bit 16), upper half kept;
    /// NaN becomes the quiet NaN 0x7FC00000 as in the scalar conversion. Bit-identical to the reference.</summary>
    internal static void RoundToBFloat16Simd(Span<float> values)
    {
        var bits = MemoryMarshal.Cast<float, uint>(values);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = new Vector<uint>(1);
            var bias = new Vector<uint>(0x7FFF);
            var upper = new Vector<uint>(0xFFFF0000);
            var quietNaN = new Vector<uint>(0x7FC00000);
            for (; i <= bits.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            {
                var v = new Vector<uint>(bits[i..]);
                var f = new Vector<float>(values[i..]);
                var rounded = (v + bias + ((v >> 16) & one)) & upper;
                Vector.ConditionalSelect(Vector.AsVectorUInt32(Vector.Equals(f, f)), rounded, quietNaN).CopyTo(bits[i..]);
            }
        }

        RoundToBFloat16Reference(values[i..]);
    }

    /// <summary>Copies a rows×cols matrix, transposed when asked.</summary>
    private static void Transpose(ReadOnlySpan<float> from, Span<float> to, int rows, int cols, bool transpose)
    {
        if (!transpose)
        {
            from[..(rows * cols)].CopyTo(to);
            return;
        }

        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                to[(j * rows) + i] = from[(i * cols) + j];
            }
        }
    }

    private static void Multiply(bool reference, bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (reference)
        {
            GemmReference.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        else
        {
            Gemm.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }
    }
}
