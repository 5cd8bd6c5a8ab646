using System.Globalization;
using System.Text.Json;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Tests.Infrastructure;
using Xunit.Abstractions;
using MuonOptimizer = Descent.Optimizers.Muon;

namespace Descent.Tests.Optimizers.Muon;

/// <summary>
/// Muon against <c>muon.json</c> (a transcription of torch.optim.Muon, PyTorch ≥ 2.9), every case on both kernel
/// paths, everything read from the file (optimizer, hyperparameters, <c>ns_dtype</c>, shapes, gradients, expected
/// parameters, Newton–Schulz outputs, adjusted learning rates, final momentum buffers), at the tolerances of the
/// golden README: float32 — parameters and buffers rtol 1e-5 / atol 1e-6 over the whole trajectory, updates atol
/// 1e-5; bfloat16 — buffers rtol 1e-5 / atol 1e-6, every update element within 0.03, parameters one step at a time
/// from the recorded previous ones within 0.03·adjusted_lr + atol 1e-6 + rtol 1e-5, and over all bfloat16 cases
/// together at least 75% of the non-null updates bit-identical.
/// </summary>
[Trait("Category", "Parity")]
public sealed class MuonParityTests(ITestOutputHelper output)
{
    private const string FileName = "muon.json";
    private const string BFloat16 = "bfloat16";

    public static TheoryData<string, KernelPath> Cases()
    {
        var rows = new TheoryData<string, KernelPath>();
        foreach (var c in Load())
        {
            rows.Add(c.Case.Name, KernelPath.Reference);
            rows.Add(c.Case.Name, KernelPath.Simd);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorchTrajectory(string caseName, KernelPath path)
    {
        var (identical, total) = Replay(Load().Single(c => c.Case.Name == caseName), path, output);
        output.WriteLine($"{caseName} [{path}]: {identical}/{total} updates bit-identical");
    }

    [Theory]
    [InlineData(KernelPath.Reference)]
    [InlineData(KernelPath.Simd)]
    public void MostBFloat16UpdatesAreBitIdentical(KernelPath path)
    {
        var (identical, total) = (0, 0);
        foreach (var c in Load().Where(c => c.NsDtype == BFloat16))
        {
            var (i, t) = Replay(c, path, output);
            identical += i;
            total += t;
        }

        var share = (double)identical / total;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bfloat16 [{path}]: {identical}/{total} = {share:P1} bit-identical"));
        Assert.True(total > 0, "no bfloat16 case in the file");
        Assert.True(share >= 0.75, string.Create(CultureInfo.InvariantCulture, $"{share:P1} of the bfloat16 updates bit-identical, need 75%"));
    }

    /// <summary>Runs one case and checks it; returns how many non-null updates were bit-identical, of how many.</summary>
    private static (int Identical, int Total) Replay(MuonCase mc, KernelPath path, ITestOutputHelper output)
    {
        var c = mc.Case;
        var bf16 = mc.NsDtype == BFloat16;
        var parameters = c.ParamsInit.Select((init, k) => new Parameter(Tensor.FromArray(init, c.Shapes[k]))).ToArray();
        var choices = new Dictionary<string, string>(c.Choices ?? new Dictionary<string, string>(), StringComparer.Ordinal) { ["ns_dtype"] = mc.NsDtype };
        var muon = Assert.IsType<MuonOptimizer>(OptimizerRegistry.Create(c.Optimizer, parameters, c.Hyperparameters, choices));
        muon.KernelPath = path;
        var options = muon.Defaults;
        for (var k = 0; k < parameters.Length; k++)
        {
            Assert.Equal(mc.AdjustedLearningRate[k], options.AdjustedLearningRate(c.Shapes[k][0], c.Shapes[k][1]), 15);
        }

        var updates = new float[]?[parameters.Length];
        muon.UpdateObserver = (p, o) => updates[Array.IndexOf(parameters, p)] = o;
        var paramTol = new Closeness(1e-5, 1e-6);
        var updateTol = new Closeness(0, bf16 ? 0.03 : 1e-5);
        var (identical, total) = (0, 0);
        for (var s = 0; s < c.Grads.Length; s++)
        {
            Array.Clear(updates);
            for (var k = 0; k < parameters.Length; k++)
            {
                if (bf16 && s > 0)
                {
                    // One step at a time: start from the recorded previous parameters.
                    var previous = c.Params[s - 1][k];
                    for (var i = 0; i < previous.Length; i++)
                    {
                        parameters[k][i] = (float)previous[i];
                    }
                }

                var g = c.Grads[s][k];
                parameters[k].Grad = g is null ? null : Tensor.FromArray(g, c.Shapes[k]);
            }

            muon.Step();
            for (var k = 0; k < parameters.Length; k++)
            {
                var what = $"{c.Name} step {s} param {k}";
                var expected = mc.Updates[s][k];
                Assert.True((expected is null) == (updates[k] is null), $"{what}: update present {updates[k] is not null}, expected {expected is not null}");
                if (expected is not null)
                {
                    updateTol.Check(updates[k], expected, $"{what} update");
                    total++;
                    identical += expected.Select(v => BitConverter.SingleToInt32Bits((float)v)).SequenceEqual(updates[k]!.Select(BitConverter.SingleToInt32Bits)) ? 1 : 0;
                }

                var tol = bf16 ? new Closeness(1e-5, 1e-6 + (0.03 * mc.AdjustedLearningRate[k])) : paramTol;
                tol.Check(parameters[k].Span, c.Params[s][k], what);
            }
        }

        var state = new Closeness(1e-5, 1e-6);
        for (var k = 0; k < parameters.Length; k++)
        {
            var expected = c.StateFinal![k];
            Assert.Equal(["momentum_buffer"], expected.Keys);
            state.Check(Assert.IsType<MuonState>(muon.GetState(parameters[k])).MomentumBuffer.Span, expected["momentum_buffer"], $"{c.Name} momentum_buffer {k}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{c.Name} [{path}]: parameters {paramTol.MaxBudgetUsed:P1}, updates {updateTol.MaxBudgetUsed:P1} (at {updateTol.Worst}), buffers {state.MaxBudgetUsed:P1} of budget"));
        return (identical, total);
    }

    private static IReadOnlyList<MuonCase> Load() => Cache.Value;

    private static readonly Lazy<IReadOnlyList<MuonCase>> Cache = new(() =>
    [
        .. OptimizerGoldenFile.ParseWithJson(Golden.File(FileName)).Select(x => new MuonCase(
            x.Case,
            x.Json.GetProperty("ns_dtype").GetString()!,
            [.. x.Json.GetProperty("adjusted_lr").EnumerateArray().Select(v => v.GetDouble())],
            [.. x.Json.GetProperty("updates").EnumerateArray().Select(step => step.EnumerateArray()
                .Select(u => u.ValueKind == JsonValueKind.Null ? null : u.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray())])),
    ]);

    private sealed record MuonCase(OptimizerGoldenCase Case, string NsDtype, double[] AdjustedLearningRate, double[]?[][] Updates);
}
