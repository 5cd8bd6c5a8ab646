using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;

namespace Descent.Tests.Nn;

public class ParameterArenaTests
{
    [Fact]
    public void FlattenMakesParametersAndGradientsViewsOfOneBuffer()
    {
        var model = Model(1);
        var before = model.Parameters().Select(p => p.ToArray()).ToList();
        var w0 = model.Parameters().First();
        w0.Grad = Tensor.Ones(w0.Shape.ToArray());
        var arena = ParameterArena.Flatten(model);

        var offset = 0;
        var i = 0;
        foreach (var p in model.Parameters())
        {
            Assert.Same(arena.Values, p.Buffer);
            Assert.Equal(offset, p.Offset);
            Assert.Equal(offset, arena.OffsetOf(p));
            Assert.Equal(before[i++], p.ToArray());
            offset += p.Length;
        }

        Assert.Equal(offset, arena.Length);
        Assert.Same(arena.Gradients, w0.Grad!.Buffer); // the existing gradient was copied into the arena
        Assert.All(w0.Grad.ToArray(), g => Assert.Equal(1f, g));

        model.ZeroGrad();
        Loss(model, 3).Backward();
        foreach (var p in model.Parameters())
        {
            Assert.Same(arena.Gradients, p.Grad!.Buffer);
            Assert.Equal(arena.OffsetOf(p), p.Grad.Offset);
        }
    }

    [Fact]
    public void FrozenParametersGoLastAndNeverGetGradients()
    {
        var model = Model(2);
        var frozen = model.Parameters().First();
        frozen.RequiresGrad = false;
        var arena = ParameterArena.Flatten(model);
        Assert.Same(frozen, arena.Parameters[^1]);
        Assert.Equal(arena.Length - frozen.Length, arena.OffsetOf(frozen));
        Loss(model, 5).Backward();
        Assert.Null(frozen.Grad);
        Assert.Equal(-1, arena.OffsetOf(new Parameter(2)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FlatAdamEqualsPerParameterAdamBitForBit(bool adamW)
    {
        // Reference: an identical model with separate storage.
        var flat = Model(7);
        var plain = Model(7);
        ParameterArena.Flatten(flat);
        var optFlat = Optimizer(flat, adamW);
        var optPlain = Optimizer(plain, adamW);
        for (var step = 0; step < 6; step++)
        {
            foreach (var (model, opt) in new[] { (flat, optFlat), (plain, optPlain) })
            {
                opt.ZeroGrad();
                Loss(model, 100 + (ulong)step).Backward();
                opt.Step();
            }

            AssertSame(plain, flat, optPlain, optFlat);
        }

        // The flat path ran: the states of one group share one buffer per state key.
        var states = flat.Parameters().Select(p => (AdamState)optFlat.GetState(p)!).ToList();
        Assert.All(states, s => Assert.Same(states[0].ExpAvg.Buffer, s.ExpAvg.Buffer));
        Assert.All(states, s => Assert.Same(states[0].ExpAvgSq.Buffer, s.ExpAvgSq.Buffer));
        Assert.NotSame(states[0].ExpAvg.Buffer, states[0].ExpAvgSq.Buffer);
    }

    [Fact]
    public void GroupsFrozenAndMissingGradientsAndLateParametersStillMatch()
    {
        var flat = Model(11);
        var plain = Model(11);
        var optFlat = Groups(flat);
        var optPlain = Groups(plain);
        ParameterArena.Flatten(optFlat.Groups.SelectMany(g => g.Parameters));
        var flatLast = flat.Parameters().Last();
        var plainLast = plain.Parameters().Last();
        for (var step = 0; step < 8; step++)
        {
            foreach (var (model, opt, last) in new[] { (flat, optFlat, flatLast), (plain, optPlain, plainLast) })
            {
                opt.ZeroGrad();
                Loss(model, 200 + (ulong)step).Backward();
                if (step == 3)
                {
                    last.ZeroGrad(); // no gradient this step: skipped, its step count falls behind
                }

                opt.Step();
            }

            AssertSame(plain, flat, optPlain, optFlat);
            if (step == 4)
            {
                // A parameter added later, in its own group, outside the arena.
                var extraFlat = new Parameter(Tensor.FromArray([0.5f, -0.25f, 1f], 3));
                var extraPlain = new Parameter(Tensor.FromArray([0.5f, -0.25f, 1f], 3));
                optFlat.AddGroup([extraFlat], new AdamWOptions { LearningRate = 0.05 });
                optPlain.AddGroup([extraPlain], new AdamWOptions { LearningRate = 0.05 });
                extraFlat.Grad = Tensor.FromArray([1f, 2f, 3f], 3);
                extraPlain.Grad = Tensor.FromArray([1f, 2f, 3f], 3);
            }
        }
    }

    [Fact]
    public void FlatStepAllocatesNothingInSteadyState()
    {
        var model = Model(13);
        ParameterArena.Flatten(model);
        var opt = new Adam(model.Parameters(), new AdamOptions { LearningRate = 1e-3 });
        Loss(model, 1).Backward();
        for (var i = 0; i < 5; i++)
        {
            opt.Step();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            opt.Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static Sequential Model(ulong seed)
    {
        var rng = new Rng(seed);
        return new Sequential(new Linear(4, 8, rng), new Tanh(), new Linear(8, 3, rng));
    }

    private static Tensor Loss(Module model, ulong seed)
    {
        var rng = new Rng(seed);
        var x = Tensor.Normal(rng, 0, 1, 5, 4);
        var y = Tensor.Normal(rng, 0, 1, 5, 3);
        return new MseLoss().Forward(model.Forward(x), y);
    }

    private static Optimizer Optimizer(Module model, bool adamW) => adamW
        ? new AdamW(model.Parameters(), new AdamWOptions { LearningRate = 0.01, WeightDecay = 0.1 })
        : new Adam(model.Parameters(), new AdamOptions { LearningRate = 0.01, WeightDecay = 0.01 });

    private static AdamW Groups(Module model)
    {
        var ps = model.Parameters().ToList();
        ps[0].RequiresGrad = false; // frozen, in no group
        var weights = ps.Where((p, i) => i > 0 && p.Rank == 2);
        var biases = ps.Where((p, i) => i > 0 && p.Rank == 1);
        return new AdamW(
            [(weights, new AdamWOptions { LearningRate = 0.01, WeightDecay = 0.1 }), (biases, new AdamWOptions { LearningRate = 0.02, WeightDecay = 0 })]);
    }

    private static void AssertSame(Module expected, Module actual, Optimizer expectedOpt, Optimizer actualOpt)
    {
        var e = expected.Parameters().ToList();
        var a = actual.Parameters().ToList();
        for (var i = 0; i < e.Count; i++)
        {
            Assert.Equal(e[i].ToArray(), a[i].ToArray());
            var es = expectedOpt.GetState(e[i]);
            var s = actualOpt.GetState(a[i]);
            Assert.Equal(es is null, s is null);
            if (es is not null && s is not null)
            {
                Assert.Equal(es.Step, s.Step);
                Assert.Equal(es.Tensors.Select(t => t.Value.ToArray()), s.Tensors.Select(t => t.Value.ToArray()));
            }
        }
    }
}
