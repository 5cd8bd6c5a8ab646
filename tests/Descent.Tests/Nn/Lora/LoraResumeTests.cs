using Descent.Nn;
using Descent.Nn.Lora;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Training;

namespace Descent.Tests.Nn.Lora;

/// <summary>A LoRA run (adapters with dropout, LoRA+ AdamW groups) stopped after 2 epochs and resumed from its checkpoint
/// ends with exactly the adapters and optimizer state of an uninterrupted 4-epoch run.</summary>
public sealed class LoraResumeTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("descent-lora-resume-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private (Learner<Tensor, Tensor> Learner, NamedChain Model) Run(bool resume, string folder)
    {
        var model = NamedChain.Small(1);
        LoraAdapters.Apply(model, new LoraOptions { Rank = 2, Alpha = 4, Dropout = 0.25, TargetModules = ["query", "value"], ModulesToSave = ["classifier"], Seed = 7 });
        var plans = ParameterGroups.LoraPlus(model.NamedParameters(), ratio: 4);
        var optimizer = ParameterGroups.Create("adamw", plans, new Dictionary<string, double> { ["lr"] = 1e-2, ["weight_decay"] = 0.01 });
        var learner = new Learner<Tensor, Tensor>(model, optimizer, model.Forward, new MseLoss().Forward)
        {
            Callbacks = [new Checkpointing(folder) { Resume = resume }],
        };
        return (learner, model);
    }

    private static List<(Tensor, Tensor)> Batches()
    {
        var rng = new Rng(21);
        return [.. Enumerable.Range(0, 3).Select(_ => (Tensor.Normal(rng, 0, 1, 4, 6), Tensor.Normal(rng, 0, 1, 4, 3)))];
    }

    [Fact]
    public void AResumedLoraRunIsBitIdenticalToAnUninterruptedOne()
    {
        var whole = Path.Combine(dir, "whole");
        var split = Path.Combine(dir, "split");
        var (uninterrupted, m1) = Run(resume: false, whole);
        uninterrupted.Fit(4, Batches());
        Run(resume: false, split).Learner.Fit(2, Batches());
        var (resumed, m2) = Run(resume: true, split);
        var result = resumed.Fit(4, Batches());
        Assert.Equal(2, result.StartEpoch);

        var expected = m1.StateDict();
        foreach (var (name, tensor) in m2.StateDict())
        {
            Assert.True(expected[name].ToArray().SequenceEqual(tensor.ToArray()), $"{name} differs after resuming");
        }

        Assert.Equal(FineTuning.TrainableNames(m1), FineTuning.TrainableNames(m2));
        var p1 = m1.Parameters().ToList();
        var p2 = m2.Parameters().ToList();
        for (var i = 0; i < p1.Count; i++)
        {
            var s1 = uninterrupted.Optimizer.GetState(p1[i]);
            var s2 = resumed.Optimizer.GetState(p2[i]);
            Assert.Equal(s1 is null, s2 is null);
            if (s1 is AdamState a && s2 is AdamState b)
            {
                Assert.Equal(a.Step, b.Step);
                Assert.Equal(a.ExpAvg.ToArray(), b.ExpAvg.ToArray());
                Assert.Equal(a.ExpAvgSq.ToArray(), b.ExpAvgSq.ToArray());
            }
        }

        Assert.Null(uninterrupted.Optimizer.GetState(LoraAdapters.Find(m1)[0].Adapter.Layer.Weight));
    }
}
