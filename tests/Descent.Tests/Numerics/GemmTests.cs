using Descent.Numerics;

namespace Descent.Tests.Numerics;

public class GemmTests
{
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (1, 7, 13), (13, 1, 7), (7, 13, 1), (2, 3, 5), (5, 3, 2), (17, 31, 29), (12, 32, 256),
        (13, 33, 257), (24, 64, 16), (31, 97, 61), (97, 101, 103), (197, 40, 263), (193, 20, 300), (256, 16, 2),
        (16, 2, 256), (1, 16, 256), (256, 1, 16), (3, 4100, 5), (200, 300, 70), (400, 100, 50), (29, 70, 1100),
    ];

    private static readonly (float Alpha, float Beta)[] Scalars = [(1f, 0f), (0.5f, 2f), (-1.5f, 1f)];

    public static TheoryData<int, long, int> Configurations()
    {
        var data = new TheoryData<int, long, int>();
        foreach (var kind in Enum.GetValues<GemmKernelKind>())
        {
            if (kind > Gemm.BestKernel)
            {
                continue;
            }

            data.Add((int)kind, 0, 1); // packed, one worker
            data.Add((int)kind, 0, 2); // packed, two workers (row or column split)
        }

        data.Add((int)Gemm.BestKernel, long.MaxValue, 1); // direct small path everywhere
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void MatchesDoubleReferenceForAllShapesAndTransposes(int kernel, long smallThreshold, int workers)
    {
        var kind = (GemmKernelKind)kernel;
        var rng = new Random(1234);
        foreach (var (m, n, k) in Shapes)
        {
            foreach (var transA in new[] { false, true })
            {
                foreach (var transB in new[] { false, true })
                {
                    foreach (var (alpha, beta) in Scalars)
                    {
                        var pad = rng.Next(0, 3);
                        var p = Problem.Random(rng, transA, transB, m, n, k, pad);
                        var c = p.C.ToArray();
                        Gemm.Run(kind, smallThreshold, workers, transA, transB, m, n, k, alpha, p.A, p.Lda, p.B, p.Ldb, beta, c, p.Ldc);
                        p.AssertClose(c, alpha, beta, $"{kind} small<={smallThreshold} w{workers} {m}x{n}x{k} tA={transA} tB={transB} a={alpha} b={beta} pad={pad}");
                    }
                }
            }
        }
    }

    [Fact]
    public void LargerThanEveryBlockSizeOnThePublicPath()
    {
        // Exceeds KC (512), MC (192) and NC (2048) with odd sizes, in both split directions; runs threaded
        // through the pool.
        var rng = new Random(7);
        foreach (var (m, n, k) in new[] { (211, 67, 1283), (67, 2111, 523) })
        {
            foreach (var (transA, transB) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                var p = Problem.Random(rng, transA, transB, m, n, k, pad: 3);
                var c = p.C.ToArray();
                Gemm.Multiply(transA, transB, m, n, k, 0.75f, p.A, p.Lda, p.B, p.Ldb, -0.5f, c, p.Ldc);
                p.AssertClose(c, 0.75f, -0.5f, $"{m}x{n}x{k} tA={transA} tB={transB}");
            }
        }
    }

    [Fact]
    public void OneAndTwoWorkersGiveBitIdenticalResults()
    {
        // The lab runs GEMMs with one worker when it runs several jobs and with the pool otherwise; results
        // must not depend on it (each element of C is summed by one worker in the same k order).
        var rng = new Random(21);
        foreach (var (m, n, k) in new[] { (97, 101, 103), (211, 67, 1283), (67, 2111, 523), (128, 10, 512) })
        {
            foreach (var (transA, transB) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                var p = Problem.Random(rng, transA, transB, m, n, k, pad: 1);
                var one = p.C.ToArray();
                var two = p.C.ToArray();
                Gemm.Run(Gemm.BestKernel, 0, 1, transA, transB, m, n, k, 0.75f, p.A, p.Lda, p.B, p.Ldb, -0.5f, one, p.Ldc);
                Gemm.Run(Gemm.BestKernel, 0, 2, transA, transB, m, n, k, 0.75f, p.A, p.Lda, p.B, p.Ldb, -0.5f, two, p.Ldc);
                for (var i = 0; i < one.Length; i++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(one[i]) == BitConverter.SingleToInt32Bits(two[i]),
                        $"{m}x{n}x{k} tA={transA} tB={transB} element {i}: {one[i]} (1 worker) vs {two[i]} (2 workers)");
                }
            }
        }
    }

    [Fact]
    public void NarrowOutputsComputedAsTheTransposeEqualTheDirectPackedPathBitForBit()
    {
        // A C of few columns (a LoRA adapter's x·Aᵀ, [rows, 8]) runs as Cᵀ = op(B)ᵀ·op(A)ᵀ when beta is 0: the same
        // fused multiply-adds per element over the same k-slices, so exactly the direct packed result, for any worker count.
        var rng = new Random(17);
        var (mr, nr) = GemmPacked.Tile(Gemm.BestKernel);
        foreach (var (m, n, k) in new[] { (nr, 1, 7), (97, 5, 384), (2048, 8, 384), (301, mr - 1, 1100), (64, 3, 1) })
        {
            Assert.True(GemmPacked.PrefersTransposed(Gemm.BestKernel, m, n), $"{m}x{n} should take the transposed form");
            foreach (var (transA, transB) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                foreach (var alpha in new[] { 1f, -0.75f })
                {
                    var p = Problem.Random(rng, transA, transB, m, n, k, pad: 2);
                    var direct = p.C.ToArray();
                    unsafe
                    {
                        fixed (float* pa = p.A)
                        fixed (float* pb = p.B)
                        fixed (float* pc = direct)
                        {
                            GemmPacked.Run(Gemm.BestKernel, transA, transB, m, n, k, alpha, pa, p.Lda, pb, p.Ldb, 0f, pc, p.Ldc, 2);
                        }
                    }

                    foreach (var workers in new[] { 1, 2 })
                    {
                        var routed = p.C.ToArray();
                        Gemm.Run(Gemm.BestKernel, 0, workers, transA, transB, m, n, k, alpha, p.A, p.Lda, p.B, p.Ldb, 0f, routed, p.Ldc);
                        for (var i = 0; i < routed.Length; i++)
                        {
                            Assert.True(BitConverter.SingleToInt32Bits(direct[i]) == BitConverter.SingleToInt32Bits(routed[i]),
                                $"{m}x{n}x{k} tA={transA} tB={transB} a={alpha} w{workers} element {i}: {routed[i]} vs direct {direct[i]}");
                        }
                    }
                }
            }
        }

        Assert.False(GemmPacked.PrefersTransposed(Gemm.BestKernel, 2048, mr)); // an MR-high tile wide: the direct form
        Assert.False(GemmPacked.PrefersTransposed(Gemm.BestKernel, nr - 1, 8)); // too few rows to fill the transpose's tile
    }

    [Fact]
    public void AgreesWithScalarReference()
    {
        var rng = new Random(3);
        var p = Problem.Random(rng, false, true, 70, 90, 110, pad: 1);
        var fast = p.C.ToArray();
        var reference = p.C.ToArray();
        Gemm.Multiply(false, true, 70, 90, 110, 1f, p.A, p.Lda, p.B, p.Ldb, 1f, fast, p.Ldc);
        GemmReference.Multiply(false, true, 70, 90, 110, 1f, p.A, p.Lda, p.B, p.Ldb, 1f, reference, p.Ldc);
        for (var i = 0; i < fast.Length; i++)
        {
            Assert.Equal(reference[i], fast[i], 1e-3f);
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(long.MaxValue)]
    public void BetaZeroOverwritesNaNAndLeavesPaddingAlone(long smallThreshold)
    {
        var rng = new Random(11);
        foreach (var (m, n, k) in new[] { (5, 7, 3), (40, 50, 60) })
        {
            var p = Problem.Random(rng, false, false, m, n, k, pad: 2);
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < p.Ldc && (i * p.Ldc) + j < p.C.Length; j++)
                {
                    p.C[(i * p.Ldc) + j] = j < n ? float.NaN : 42f;
                }
            }

            var c = p.C.ToArray();
            Gemm.Run(Gemm.BestKernel, smallThreshold, 2, false, false, m, n, k, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.Ldc);
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    Assert.False(float.IsNaN(c[(i * p.Ldc) + j]), $"NaN at ({i},{j})");
                }

                for (var j = n; j < p.Ldc && (i * p.Ldc) + j < c.Length; j++)
                {
                    Assert.Equal(42f, c[(i * p.Ldc) + j]);
                }
            }

            p.AssertClose(c, 1f, 0f, "beta 0");
        }
    }

    [Fact]
    public void NaNInInputsPropagates()
    {
        foreach (var threshold in new[] { 0L, long.MaxValue })
        {
            var a = new float[40 * 40];
            var b = new float[40 * 40];
            a[(3 * 40) + 5] = float.NaN;
            var c = new float[40 * 40];
            Gemm.Run(Gemm.BestKernel, threshold, 1, false, false, 40, 40, 40, 1f, a, 40, b, 40, 0f, c, 40);
            for (var j = 0; j < 40; j++)
            {
                Assert.True(float.IsNaN(c[(3 * 40) + j]));
                Assert.Equal(0f, c[(4 * 40) + j]);
            }
        }
    }

    [Fact]
    public void ZeroKOrZeroAlphaScalesC()
    {
        var c = new[] { 1f, float.NaN, 3f, 4f };
        Gemm.Multiply(false, false, 2, 2, 0, 1f, [], 0, [], 2, 0f, c, 2);
        Assert.Equal(new float[4], c);

        c = [1f, 2f, 3f, 4f];
        var a = new[] { float.NaN, 1f, 1f, 1f };
        Gemm.Multiply(false, false, 2, 2, 2, 0f, a, 2, a, 2, 2f, c, 2);
        Assert.Equal(new[] { 2f, 4f, 6f, 8f }, c);

        Gemm.Multiply(false, false, 0, 3, 3, 1f, [], 3, new float[9], 3, 0f, [], 3);
    }

    [Fact]
    public void RejectsShortSpansAndStrides()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 2, 2, 3, 1f, new float[5], 3, new float[6], 2, 0f, new float[4], 2));
        Assert.Equal("a", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(false, true, 2, 2, 3, 1f, new float[6], 3, new float[6], 2, 0f, new float[4], 2));
        Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 2, 2, 2, 1f, new float[4], 2, new float[4], 2, 0f, new float[3], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(false, false, -1, 2, 2, 1f, new float[4], 2, new float[4], 2, 0f, new float[4], 2));
    }

    [Fact]
    public void ConcurrentCallersGetCorrectResults()
    {
        var failures = 0;
        Parallel.For(0, 8, t =>
        {
            var rng = new Random(100 + t);
            for (var rep = 0; rep < 3; rep++)
            {
                var (m, n, k) = (50 + rng.Next(100), 50 + rng.Next(100), 50 + rng.Next(300));
                var p = Problem.Random(rng, rep % 2 == 0, t % 2 == 0, m, n, k, pad: 1);
                var c = p.C.ToArray();
                Gemm.Multiply(rep % 2 == 0, t % 2 == 0, m, n, k, 1f, p.A, p.Lda, p.B, p.Ldb, 0.5f, c, p.Ldc);
                if (!p.IsClose(c, 1f, 0.5f))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });
        Assert.Equal(0, failures);
    }

    /// <summary>A random problem with strided storage and its double-precision reference.</summary>
    private sealed class Problem
    {
        public required float[] A { get; init; }

        public required float[] B { get; init; }

        public required float[] C { get; init; }

        public int Lda { get; init; }

        public int Ldb { get; init; }

        public int Ldc { get; init; }

        public bool TransA { get; init; }

        public bool TransB { get; init; }

        public int M { get; init; }

        public int N { get; init; }

        public int K { get; init; }

        public static Problem Random(Random rng, bool transA, bool transB, int m, int n, int k, int pad)
        {
            var (aRows, aCols) = transA ? (k, m) : (m, k);
            var (bRows, bCols) = transB ? (n, k) : (k, n);
            var lda = aCols + pad;
            var ldb = bCols + pad;
            var ldc = n + pad;
            return new Problem
            {
                A = Fill(rng, Size(aRows, aCols, lda)),
                B = Fill(rng, Size(bRows, bCols, ldb)),
                C = Fill(rng, Size(m, n, ldc)),
                Lda = Math.Max(lda, 1),
                Ldb = Math.Max(ldb, 1),
                Ldc = Math.Max(ldc, 1),
                TransA = transA,
                TransB = transB,
                M = m,
                N = n,
                K = k,
            };
        }

        public void AssertClose(float[] actual, float alpha, float beta, string what)
        {
            var (ok, message) = Check(actual, alpha, beta);
            Assert.True(ok, $"{what}: {message}");
        }

        public bool IsClose(float[] actual, float alpha, float beta) => Check(actual, alpha, beta).Ok;

        private (bool Ok, string Message) Check(float[] actual, float alpha, float beta)
        {
            for (var i = 0; i < M; i++)
            {
                for (var j = 0; j < N; j++)
                {
                    double sum = 0, magnitude = 0;
                    for (var p = 0; p < K; p++)
                    {
                        double av = TransA ? A[(p * Lda) + i] : A[(i * Lda) + p];
                        double bv = TransB ? B[(j * Ldb) + p] : B[(p * Ldb) + j];
                        sum += av * bv;
                        magnitude += Math.Abs(av * bv);
                    }

                    double c0 = C[(i * Ldc) + j];
                    var expected = (alpha * sum) + (beta == 0 ? 0 : beta * c0);
                    var scale = (Math.Abs(alpha) * magnitude) + (beta == 0 ? 0 : Math.Abs(beta * c0));
                    var tolerance = ((K + 4) * 1.2e-7 * scale) + 1e-30;
                    var got = actual[(i * Ldc) + j];
                    if (!(Math.Abs(got - expected) <= tolerance))
                    {
                        return (false, $"C[{i},{j}] = {got}, expected {expected} ± {tolerance}");
                    }
                }
            }

            // Elements between rows (row padding) are untouched.
            for (var i = 0; i < M; i++)
            {
                for (var j = N; j < Ldc && (i * Ldc) + j < C.Length; j++)
                {
                    if (actual[(i * Ldc) + j].CompareTo(C[(i * Ldc) + j]) != 0)
                    {
                        return (false, $"padding C[{i},{j}] changed");
                    }
                }
            }

            return (true, string.Empty);
        }

        private static int Size(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : ((rows - 1) * ld) + cols;

        private static float[] Fill(Random rng, int length)
        {
            var x = new float[length];
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = (float)((rng.NextDouble() * 2) - 1);
            }

            return x;
        }
    }
}
