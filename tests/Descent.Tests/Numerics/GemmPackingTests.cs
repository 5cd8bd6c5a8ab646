using Descent.Numerics;

namespace Descent.Tests.Numerics;

/// <summary>The SIMD packing routines against their definition, for every panel width the kernels use, every
/// row count up to the width, depths around the 8-wide transpose blocks and odd leading dimensions.</summary>
public class GemmPackingTests
{
    private static readonly int[] Widths = [GemmKernels.Mr512, GemmKernels.Nr512, GemmKernels.Mr256, GemmKernels.Nr256, GemmKernels.Mr128, GemmKernels.Nr128];

    private static readonly int[] Depths = [0, 1, 7, 8, 9, 15, 16, 17, 31, 64, 67];

    [Fact]
    public unsafe void GatherTransposesRowsIntoPanels()
    {
        var rng = new Random(5);
        foreach (var width in Widths)
        {
            foreach (var kc in Depths)
            {
                for (var rows = 0; rows <= width; rows++)
                {
                    var ld = kc + rng.Next(0, 4);
                    var src = Values(rng, Math.Max(1, (rows * ld) + 8));
                    var dst = new float[(width * kc) + 1];
                    Array.Fill(dst, float.NaN);
                    fixed (float* s = src, d = dst)
                    {
                        GemmPacking.Gather(d, width, s, ld, rows, kc);
                    }

                    for (var p = 0; p < kc; p++)
                    {
                        for (var r = 0; r < width; r++)
                        {
                            var expected = r < rows ? src[(r * ld) + p] : 0f;
                            Assert.True(expected.Equals(dst[(p * width) + r]), $"width {width} kc {kc} rows {rows}: ({p},{r}) = {dst[(p * width) + r]}, expected {expected}");
                        }
                    }

                    Assert.True(float.IsNaN(dst[width * kc]), "wrote past the panel");
                }
            }
        }
    }

    [Fact]
    public unsafe void CopyPacksStridedRowsIntoPanels()
    {
        var rng = new Random(6);
        foreach (var width in Widths)
        {
            foreach (var kc in Depths)
            {
                for (var cols = 0; cols <= width; cols++)
                {
                    var ld = width + rng.Next(0, 4);
                    var src = Values(rng, Math.Max(1, (kc * ld) + width));
                    var dst = new float[(width * kc) + 1];
                    Array.Fill(dst, float.NaN);
                    fixed (float* s = src, d = dst)
                    {
                        GemmPacking.Copy(d, width, s, ld, cols, kc);
                    }

                    for (var p = 0; p < kc; p++)
                    {
                        for (var j = 0; j < width; j++)
                        {
                            var expected = j < cols ? src[(p * ld) + j] : 0f;
                            Assert.True(expected.Equals(dst[(p * width) + j]), $"width {width} kc {kc} cols {cols}: ({p},{j}) = {dst[(p * width) + j]}, expected {expected}");
                        }
                    }

                    Assert.True(float.IsNaN(dst[width * kc]), "wrote past the panel");
                }
            }
        }
    }

    [Fact]
    public unsafe void PackingKeepsNaNInfinitiesAndSignedZeros()
    {
        var special = new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, float.Epsilon, -float.MaxValue };
        const int width = GemmKernels.Nr512;
        const int kc = 24;
        var src = new float[width * kc];
        for (var i = 0; i < src.Length; i++)
        {
            src[i] = special[i % special.Length];
        }

        var gathered = new float[width * kc];
        var copied = new float[width * kc];
        fixed (float* s = src, g = gathered, c = copied)
        {
            GemmPacking.Gather(g, width, s, kc, width, kc);
            GemmPacking.Copy(c, width, s, width, width, kc);
        }

        for (var p = 0; p < kc; p++)
        {
            for (var r = 0; r < width; r++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(src[(r * kc) + p]), BitConverter.SingleToInt32Bits(gathered[(p * width) + r]));
                Assert.Equal(BitConverter.SingleToInt32Bits(src[(p * width) + r]), BitConverter.SingleToInt32Bits(copied[(p * width) + r]));
            }
        }
    }

    private static float[] Values(Random rng, int length)
    {
        var x = new float[length];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return x;
    }
}
