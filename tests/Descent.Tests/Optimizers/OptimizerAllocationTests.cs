using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>A steady-state Step() allocates nothing, and Adam's state is 8 bytes per parameter.</summary>
public sealed class OptimizerAllocationTests
{
    public static TheoryData<string, KernelPath> Rows()
    {
        var d = new TheoryData<string, KernelPath>();
        foreach (var n in new[] { "sgd", "adam", "adamw", "adamax", "nadam", "radam", "rmsprop", "adagrad", "adadelta" })
        {
            d.Add(n, KernelPath.Auto);
            d.Add(n, KernelPath.Reference);
        }

        return d;
    }

    private static readonly Dictionary<string, double> Features = new()
    {
        ["lr"] = 0.01,
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void SteadyStateStepAllocatesNothing(string name, KernelPath path)
    {
        Parameter[] ps = [new(7), new(3, 11), new(65), new(257)];
        foreach (var p in ps)
        {
            p.Grad = Tensor.Full(0.25f, p.Shape);
        }

        var hp = new Dictionary<string, double>(Features);
        if (name is "sgd" or "rmsprop")
        {
            hp["momentum"] = 0.9;
        }

        var opt = OptimizerRegistry.Create(name, ps, hp);
        opt.KernelPath = path;
        AssertSteadyStateStepAllocatesNothing(opt);
    }

    /// <summary>After three warm-up steps, five more steps of <paramref name="optimizer"/> allocate nothing.</summary>
    internal static void AssertSteadyStateStepAllocatesNothing(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        for (var i = 0; i < 3; i++)
        {
            optimizer.Step();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++)
        {
            optimizer.Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(false, 8)]
    [InlineData(true, 12)]
    public void AdamStateIsEightBytesPerParameter(bool amsgrad, int bytesPerParameter)
    {
        Parameter[] ps = [new(16, 2), new(16), new(1, 16), new(1)];
        foreach (var p in ps)
        {
            p.Grad = Tensor.Ones(p.Shape);
        }

        Optimizer[] optimizers =
        [
            new Adam(ps, new AdamOptions { Amsgrad = amsgrad }),
            new AdamW(ps, new AdamWOptions { Amsgrad = amsgrad }),
        ];
        foreach (var opt in optimizers)
        {
            opt.Step();
            var stateBytes = ps.Sum(p => opt.GetState(p)!.Tensors.Sum(t => (long)t.Value.Length * sizeof(float)));
            Assert.Equal(bytesPerParameter * ps.Sum(p => (long)p.Length), stateBytes);
        }
    }
}
