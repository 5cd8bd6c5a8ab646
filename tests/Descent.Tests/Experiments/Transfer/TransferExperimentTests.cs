using Descent.Experiments;
using Descent.Experiments.Transfer;

namespace Descent.Tests.Experiments.Transfer;

public sealed class TransferExperimentTests
{
    [Fact]
    public void UnknownOptimizerIsAClearError()
    {
        var model = SmallCnn.Create(5, new Rng(1), 8);
        var e = Assert.Throws<ExperimentException>(() => TransferExperiment.CreateOptimizer("nadamx", model, null));
        Assert.Contains("sgd-momentum", e.Message, StringComparison.Ordinal);
    }
}
