using Descent.Nn;
using Descent.Optimizers;
using Descent.Optimizers.Kernels;

namespace Descent.Tests.Optimizers.Kernels;

/// <summary>
/// SIMD kernels against the scalar references. Both paths perform the same IEEE operations per element
/// (fused multiply-adds at the same places), so they must agree bit for bit — NaN results only need to be
/// NaN on both sides (payloads may differ with operand order).
/// </summary>
public sealed class KernelParityTests
{
    private static readonly float[] Specials =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, -1e-41f, float.Epsilon,
        3e38f, -3e38f, 1e-30f, 1f,
    ];

    public static TheoryData<string> Cases() => KernelCases.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void SimdEqualsReferenceForEveryLengthUpTo257(string name)
    {
        var c = KernelCases.Get(name);
        for (var n = 0; n <= 257; n++)
        {
            foreach (var specials in new[] { false, true })
            {
                CompareOnce(c, n, specials, seed: (ulong)((n * 2) + (specials ? 1 : 0) + 1));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SimdEqualsReferenceWhenGradientAliasesParameter(string name)
    {
        var c = KernelCases.Get(name);
        foreach (var n in new[] { 1, 15, 16, 17, 64, 131 })
        {
            var rng = new Rng((ulong)n);
            var p = Values(rng, n, 1, specials: true);
            var st = Enumerable.Range(0, c.StateCount).Select(_ => StateValues(rng, n, 1, true)).ToArray();
            var p2 = (float[])p.Clone();
            var st2 = st.Select(a => (float[])a.Clone()).ToArray();
            c.Run(false, p, p, st, 1, n);
            c.Run(true, p2, p2, st2, 1, n);
            AssertSame(p, p2, $"{name} n={n} aliased param");
            for (var k = 0; k < st.Length; k++)
            {
                AssertSame(st[k], st2[k], $"{name} n={n} aliased state {k}");
            }
        }
    }

    public static TheoryData<string, int> ThreadSplitRows()
    {
        var d = new TheoryData<string, int>();
        var g = ElementwiseKernel.MinChunk;
        foreach (var name in OptimizerRegistry.Names.Where(n => AllFeatures.ContainsKey(n)))
        {
            foreach (var n in new[] { (2 * g) - 1, 2 * g, (2 * g) + 1, (3 * g) + 67 })
            {
                d.Add(name, n);
            }
        }

        return d;
    }

    /// <summary>Hyperparameters that switch on most branches of each optimizer.</summary>
    private static readonly Dictionary<string, Dictionary<string, double>> AllFeatures = new()
    {
        ["sgd"] = new() { ["lr"] = 0.05, ["momentum"] = 0.9, ["nesterov"] = 1, ["weight_decay"] = 0.01 },
        ["adam"] = new() { ["lr"] = 0.01, ["amsgrad"] = 1, ["weight_decay"] = 0.1 },
        ["adamw"] = new() { ["lr"] = 0.01, ["amsgrad"] = 1, ["maximize"] = 1 },
        ["adamax"] = new() { ["weight_decay"] = 0.01 },
        ["nadam"] = new() { ["weight_decay"] = 0.01, ["decoupled_weight_decay"] = 1 },
        ["radam"] = new() { ["weight_decay"] = 0.01 },
        ["rmsprop"] = new() { ["centered"] = 1, ["momentum"] = 0.9, ["weight_decay"] = 1e-3 },
        ["adagrad"] = new() { ["lr_decay"] = 0.01, ["initial_accumulator_value"] = 0.1 },
        ["adadelta"] = new() { ["weight_decay"] = 0.01 },
        ["rprop"] = new() { ["maximize"] = 1, ["etas1"] = 0.4, ["step_sizes2"] = 0.5 },
    };

    /// <summary>Around the lengths where a sweep is split across workers, the multi-threaded SIMD path (and
    /// Auto) must still equal the single-threaded reference, for every optimizer, over several steps.</summary>
    [Theory]
    [MemberData(nameof(ThreadSplitRows))]
    public void ParallelSimdEqualsReferenceAroundThreadSplits(string name, int length)
    {
        var rng = new Rng((ulong)length);
        var init = Values(rng, length, 0, specials: false);
        var grads = Enumerable.Range(0, 3).Select(_ => Values(rng, length, 0, specials: true)).ToArray();
        float[]? expected = null;
        foreach (var path in new[] { KernelPath.Reference, KernelPath.Simd, KernelPath.Auto })
        {
            var p = new Parameter(Tensor.FromArray(init));
            var opt = OptimizerRegistry.Create(name, [p], AllFeatures[name]);
            opt.KernelPath = path;
            foreach (var g in grads)
            {
                p.Grad = Tensor.FromArray(g);
                opt.Step();
            }

            var parts = new List<float[]> { p.ToArray() };
            parts.AddRange(opt.GetState(p)!.Tensors.Select(t => t.Value.ToArray()));
            var result = new float[parts.Sum(x => x.Length)];
            var at = 0;
            foreach (var part in parts)
            {
                part.CopyTo(result, at);
                at += part.Length;
            }

            if (expected is null)
            {
                expected = result;
            }
            else
            {
                AssertSame(expected, result, $"{name} n={length} {path}");
            }
        }
    }

    private static void CompareOnce(KernelCase c, int n, bool specials, ulong seed)
    {
        var rng = new Rng(seed);
        const int offset = 1;
        var p = Values(rng, n, offset, specials);
        var g = Values(rng, n, offset, specials);
        var st = Enumerable.Range(0, c.StateCount).Select(_ => StateValues(rng, n, offset, specials)).ToArray();
        var p2 = (float[])p.Clone();
        var g2 = (float[])g.Clone();
        var st2 = st.Select(a => (float[])a.Clone()).ToArray();
        var guard = (float[])p.Clone();

        c.Run(false, p, g, st, offset, n);
        c.Run(true, p2, g2, st2, offset, n);

        var what = $"{c.Name} n={n} specials={specials}";
        AssertSame(p, p2, what + " param");
        for (var k = 0; k < st.Length; k++)
        {
            AssertSame(st[k], st2[k], $"{what} state {k}");
        }

        // Untouched: the gradient and the guard elements around the range.
        Assert.Equal(g, g2);
        Assert.Equal(BitConverter.SingleToInt32Bits(guard[0]), BitConverter.SingleToInt32Bits(p2[0]));
        Assert.Equal(BitConverter.SingleToInt32Bits(guard[^1]), BitConverter.SingleToInt32Bits(p2[^1]));
    }

    /// <summary>n values at [offset, offset + n) of a buffer with one guard element on each side.</summary>
    private static float[] Values(Rng rng, int n, int offset, bool specials)
    {
        var a = new float[n + (2 * offset)];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = (float)rng.NextNormal();
        }

        if (specials)
        {
            for (var i = offset; i < offset + n; i += 7)
            {
                a[i] = Specials[(int)(rng.NextDouble() * Specials.Length)];
            }
        }

        return a;
    }

    /// <summary>State-like values: mostly non-negative magnitudes (second moments), some specials.</summary>
    private static float[] StateValues(Rng rng, int n, int offset, bool specials)
    {
        var a = Values(rng, n, offset, specials);
        for (var i = 0; i < a.Length; i++)
        {
            if (!float.IsNaN(a[i]) && (i % 5) != 0)
            {
                a[i] = MathF.Abs(a[i]);
            }
        }

        return a;
    }

    private static void AssertSame(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (float.IsNaN(e) && float.IsNaN(a))
            {
                continue;
            }

            if (BitConverter.SingleToInt32Bits(e) != BitConverter.SingleToInt32Bits(a))
            {
                Assert.Fail($"{what}: element {i}: reference {e:R} (0x{BitConverter.SingleToInt32Bits(e):X8}), " +
                    $"SIMD {a:R} (0x{BitConverter.SingleToInt32Bits(a):X8})");
            }
        }
    }
}
