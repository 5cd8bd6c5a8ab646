using Descent.Optimizers;
using Descent.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Descent.Tests.Optimizers;

/// <summary>
/// Every case of optimizers.json, driven by the file alone: the optimizer by its torch class name, the
/// hyperparameters by their PyTorch names (through <see cref="OptimizerRegistry"/>), shapes, initial values
/// and gradients (null = no gradient that step) from the file. Parameters after every step and the final
/// state (PyTorch keys) must match within rtol 1e-5 / atol 1e-6, on both kernel paths.
/// </summary>
[Trait("Category", "Parity")]
public sealed class OptimizerParityTests(ITestOutputHelper output)
{
    private const string FileName = "optimizers.json";

    public static TheoryData<string, KernelPath> Cases() => OptimizerGoldenFile.Rows(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorchTrajectory(string caseName, KernelPath path) => OptimizerGoldenFile.CheckTrajectory(FileName, caseName, path, output);
}
