using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>A steady-state <c>Step()</c> of each optimizer of the Optax family allocates nothing (single-threaded
/// sizes; both kernel paths).</summary>
public sealed class OptaxFamilyAllocationTests
{
    public static TheoryData<string, KernelPath> Optimizers()
    {
        var data = new TheoryData<string, KernelPath>();
        foreach (var name in new[] { "lion", "lamb", "adabelief", "yogi", "adafactor", "adafactor_momentum", "schedulefree_adamw" })
        {
            data.Add(name, KernelPath.Reference);
            data.Add(name, KernelPath.Simd);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void SteadyStateStepAllocatesNothing(string name, KernelPath path)
    {
        Parameter[] ps = [new(Tensor.Full(0.5f, 7)), new(Tensor.Full(-0.25f, 9, 13)), new(Tensor.Full(1f, 3, 4, 5))];
        Optimizer opt = name switch
        {
            "lion" => new Lion(ps),
            "lamb" => new Lamb(ps),
            "adabelief" => new AdaBelief(ps),
            "yogi" => new Yogi(ps),
            "adafactor" => new Adafactor(ps, new AdafactorOptions { MinDimSizeToFactor = 3, WeightDecayRate = 0.1 }),
            "adafactor_momentum" => new Adafactor(ps, new AdafactorOptions { MinDimSizeToFactor = 3, Momentum = 0.9 }),
            _ => new ScheduleFreeAdamW(ps),
        };
        opt.KernelPath = path;
        foreach (var p in ps)
        {
            p.Grad = Tensor.Full(0.1f, p.Shape);
        }

        opt.Step();
        opt.Step();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            opt.Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
