using Descent.Autodiff.Ops;

namespace Descent.Tests.Autodiff;

/// <summary>
/// The fused attention's register tiles (<see cref="AttentionTiles"/>) against products summed in double: row-major and
/// column-major A, overwrite and accumulate, scale plus a column bias, widths that use the 32-column tile, the 16-column
/// tile and both, depths from 1 to 129, leading dimensions wider than the matrices; and the 16 × 16 transpose.
/// </summary>
public sealed unsafe class AttentionTilesTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 8, 16, 1 }, { 8, 32, 7 }, { 16, 48, 32 }, { 24, 80, 129 }, { 64, 128, 32 }, { 128, 32, 64 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ProductsMatchDoubleSums(int m, int n, int k)
    {
        var rng = new Rng((ulong)((m * 131) + (n * 7) + k));
        int lda = k + 3, ldaColumns = m + 5, ldb = n + 16, ldc = n + 32;
        var a = Tensor.Normal(rng, 0, 1, m * lda).ToArray();
        var aColumns = Tensor.Normal(rng, 0, 1, k * ldaColumns).ToArray();
        var b = Tensor.Normal(rng, 0, 1, k * ldb).ToArray();
        var bias = Tensor.Normal(rng, 0, 1, n).ToArray();
        var start = Tensor.Normal(rng, 0, 1, m * ldc).ToArray();
        const float alpha = 0.37f;
        foreach (var columnMajor in (bool[])[false, true])
        {
            foreach (var mode in (string[])["overwrite", "accumulate", "scaled with bias"])
            {
                if (columnMajor && mode == "scaled with bias")
                {
                    continue;
                }

                var c = (float[])start.Clone();
                fixed (float* pa = columnMajor ? aColumns : a, pb = b, pc = c, pbias = bias)
                {
                    if (columnMajor)
                    {
                        AttentionTiles.ColumnMajorTimes(m, n, k, pa, ldaColumns, pb, ldb, pc, ldc, mode == "accumulate");
                    }
                    else if (mode == "scaled with bias")
                    {
                        AttentionTiles.RowMajorTimes(m, n, k, pa, lda, pb, ldb, pc, ldc, alpha, pbias);
                    }
                    else
                    {
                        AttentionTiles.RowMajorTimes(m, n, k, pa, lda, pb, ldb, pc, ldc, mode == "accumulate");
                    }
                }

                for (var i = 0; i < m; i++)
                {
                    for (var j = 0; j < ldc; j++)
                    {
                        var actual = c[(i * ldc) + j];
                        if (j >= n)
                        {
                            Assert.Equal(start[(i * ldc) + j], actual); // outside the product: untouched
                            continue;
                        }

                        double sum = 0, magnitude = 0;
                        for (var p = 0; p < k; p++)
                        {
                            var term = (double)(columnMajor ? aColumns[(p * ldaColumns) + i] : a[(i * lda) + p]) * b[(p * ldb) + j];
                            sum += term;
                            magnitude += Math.Abs(term);
                        }

                        var expected = mode switch
                        {
                            "accumulate" => sum + start[(i * ldc) + j],
                            "scaled with bias" => (alpha * sum) + bias[j],
                            _ => sum,
                        };
                        var tolerance = 1e-6 * (magnitude + Math.Abs(start[(i * ldc) + j]) + Math.Abs(bias[j]) + 1);
                        Assert.True(Math.Abs(actual - expected) <= tolerance,
                            $"{(columnMajor ? "column" : "row")}-major {mode} C[{i},{j}] = {actual}, expected {expected}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Transpose16MovesEveryElement()
    {
        const int lds = 37, ldd = 21;
        var src = Enumerable.Range(0, 16 * lds).Select(i => (float)i).ToArray();
        var dst = Enumerable.Repeat(-1f, 16 * ldd).ToArray();
        fixed (float* ps = src, pd = dst)
        {
            AttentionTiles.Transpose16(ps, lds, pd, ldd);
        }

        for (var r = 0; r < 16; r++)
        {
            for (var c = 0; c < ldd; c++)
            {
                Assert.Equal(c < 16 ? src[(c * lds) + r] : -1f, dst[(r * ldd) + c]);
            }
        }
    }
}
