using System.Text.Json;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Schedulers;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Schedulers;

/// <summary>Every case of schedulers.json: lrs[i] is the learning rate used at step i, then one
/// scheduler step on torch.optim.SGD's equivalent; arguments are mapped from their PyTorch names by
/// <see cref="SchedulerFactory"/>. (The values agree bit for bit; the tolerance is the README's.)</summary>
[Trait("Category", "Parity")]
public class SchedulerParityTests
{
    private const double Rtol = 1e-9;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Load().EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var c = Load().EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var baseLr = c.GetProperty("base_lr").GetDouble();
        var expected = c.GetProperty("lrs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var p = new Parameter(3);
        var opt = new Sgd([p], new SgdOptions { LearningRate = baseLr });
        var sched = SchedulerFactory.Create(opt, c.GetProperty("scheduler").GetString()!, c.GetProperty("args"));
        for (var i = 0; i < expected.Length; i++)
        {
            var actual = opt.Groups[0].LearningRate;
            Assert.True(Math.Abs(actual - expected[i]) <= Rtol * Math.Abs(expected[i]),
                $"{name}: step {i}: lr {actual:R}, PyTorch {expected[i]:R}");
            Assert.Equal(actual, sched.LastLearningRates[0]);
            p.Grad = Tensor.Ones(3);
            opt.Step();
            sched.Step();
        }
    }

    private static JsonElement Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Golden.File("schedulers.json")));
        return doc.RootElement.GetProperty("cases").Clone();
    }
}
