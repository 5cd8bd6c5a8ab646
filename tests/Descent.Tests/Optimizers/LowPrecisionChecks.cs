using Descent.Checkpoints;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>Checks shared by the low-precision optimizer tests (8-bit family, Adam/AdamW with packed moments): SIMD
/// against reference path bit for bit, and checkpoint resume bit for bit.</summary>
internal static class LowPrecisionChecks
{
    /// <summary>Every state buffer of <paramref name="p"/> as floats by key (packed codes/bf16 widened).</summary>
    public static Dictionary<string, float[]> StateValues(Optimizer optimizer, Parameter p)
    {
        var state = optimizer.GetState(p)!;
        var all = state.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.Span.ToArray());
        foreach (var (key, b) in state.PackedBuffers)
        {
            var values = new float[b.Length];
            b.CopyTo(values);
            all[key] = values;
        }

        return all;
    }

    /// <summary>Three steps on one parameter of <paramref name="n"/> elements (specials in the second gradient) on
    /// the reference path and on <paramref name="fast"/>: parameters and every state buffer bit for bit.</summary>
    public static void AssertPathsAgree(Func<Parameter, Optimizer> create, int n, KernelPath fast)
    {
        var reference = new Parameter(Tensor.FromArray(KernelTestData.Values(n, 1, specials: false), [n]));
        var simd = new Parameter(Tensor.FromArray(KernelTestData.Values(n, 1, specials: false), [n]));
        var a = create(reference);
        a.KernelPath = KernelPath.Reference;
        var b = create(simd);
        b.KernelPath = fast;
        for (var step = 0; step < 3; step++)
        {
            var g = KernelTestData.Values(n, 10 + step, specials: step == 1);
            reference.Grad = Tensor.FromArray(g, [n]);
            simd.Grad = Tensor.FromArray(g, [n]);
            a.Step();
            b.Step();
            KernelTestData.AssertSame(reference.Span, simd.Span, $"n={n} step {step} p");
            var sa = StateValues(a, reference);
            var sb = StateValues(b, simd);
            Assert.Equal(sa.Keys.Order(), sb.Keys.Order());
            foreach (var key in sa.Keys)
            {
                KernelTestData.AssertSame(sa[key], sb[key], $"n={n} step {step} {key}");
            }
        }
    }

    /// <summary>Trains a 5,000-element "w" and a 300-element "b" for <paramref name="total"/> steps straight, and
    /// again with a checkpoint saved after <paramref name="saveAt"/> steps and loaded into a fresh optimizer: the
    /// same parameters and state bit for bit. <paramref name="inspect"/> sees the saved file.</summary>
    public static void AssertResumeIsBitIdentical(Func<IEnumerable<Parameter>, Optimizer> create, int total, int saveAt, Action<SafetensorsFile> inspect)
    {
        var straight = Build();
        var straightOpt = create(straight.Select(x => x.Item2));
        Train(straightOpt, straight, 0, total);
        var first = Build();
        var firstOpt = create(first.Select(x => x.Item2));
        Train(firstOpt, first, 0, saveAt);
        var path = Path.Combine(Path.GetTempPath(), $"descent-lowprec-{Guid.NewGuid():N}.safetensors");
        try
        {
            OptimizerCheckpoint.Save(path, firstOpt, first);
            inspect(SafetensorsFile.Read(path));
            var resumed = Build();
            for (var k = 0; k < resumed.Length; k++)
            {
                first[k].Item2.Span.CopyTo(resumed[k].Item2.Span);
            }

            var resumedOpt = create(resumed.Select(x => x.Item2));
            OptimizerCheckpoint.Load(path, resumedOpt, resumed);
            Train(resumedOpt, resumed, saveAt, total);
            for (var k = 0; k < resumed.Length; k++)
            {
                KernelTestData.AssertSame(straight[k].Item2.Span, resumed[k].Item2.Span, $"{straight[k].Item1} after resume");
                var a = StateValues(straightOpt, straight[k].Item2);
                var b = StateValues(resumedOpt, resumed[k].Item2);
                foreach (var key in a.Keys)
                {
                    KernelTestData.AssertSame(a[key], b[key], $"{straight[k].Item1}.{key}");
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (string, Parameter)[] Build() =>
    [
        ("w", new Parameter(Tensor.FromArray(KernelTestData.Values(5000, 1, specials: false), [50, 100]))),
        ("b", new Parameter(Tensor.FromArray(KernelTestData.Values(300, 2, specials: false), [300]))),
    ];

    private static void Train(Optimizer opt, (string, Parameter)[] ps, int from, int to)
    {
        for (var s = from; s < to; s++)
        {
            foreach (var (_, p) in ps)
            {
                p.Grad = Tensor.FromArray(KernelTestData.Values(p.Length, 100 + s, specials: false), [.. p.Shape]);
            }

            opt.Step();
        }
    }
}
