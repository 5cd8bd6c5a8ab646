using System.Globalization;
using Descent.Cli;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Tests.Cli;

namespace Descent.Tests.Lab.Runs;

/// <summary>Issue 15, defect 3: a spec whose grid or model is too large is refused before any run, with the estimate.</summary>
public sealed class ResourceLimitsTests
{
    private const double GiB = 1024.0 * 1024 * 1024;

    private static string Hidden(int width, int layers) => "[" + string.Join(",", Enumerable.Repeat(width, layers)) + "]";

    private static string DeepSpec(string optimizer = """{"name":"adam","lr":0.001}""") =>
        $$"""{"name":"deep","task":{"kind":"digits-mlp","hidden":{{Hidden(4096, 300)}}},"budget":{"epochs":1},"seeds":[0],"optimizers":[{{optimizer}}]}""";

    /// <summary>1,000 learning rates × 1,000 seeds on Rosenbrock (the issue's example).</summary>
    private static string HugeGrid()
    {
        var lrs = string.Join(",", Enumerable.Range(1, 1000).Select(i => (i * 1e-5).ToString("R", CultureInfo.InvariantCulture)));
        var seeds = string.Join(",", Enumerable.Range(0, 1000));
        return $$"""{"name":"huge","task":{"kind":"rosenbrock"},"budget":{"steps":10},"seeds":[{{seeds}}],"optimizers":[{"name":"sgd","lr":[{{lrs}}]}]}""";
    }

    [Fact]
    public void OptimizerStateIsMeasuredPerParameterValue()
    {
        var spec = SpecParser.Parse("""
            {"name":"s","task":{"kind":"digits-mlp"},"budget":{"epochs":1},"seeds":[0],
             "optimizers":[{"name":"sgd","lr":0.1},{"name":"sgd","lr":0.1,"momentum":0.9},{"name":"adam","lr":0.001},{"name":"adam","lr":0.001,"amsgrad":true}]}
            """, EngineCatalog.Instance);
        Assert.Equal([0, 4, 8, 12], spec.Configurations().Select(c => ResourceLimits.StateBytesPerParameter(c, EngineCatalog.Instance)));
    }

    [Fact]
    public void AModelThatCannotFitIsRefusedWithItsEstimate()
    {
        var spec = SpecParser.Parse(DeepSpec(), EngineCatalog.Instance);
        var footprint = spec.Task.Definition.Footprint(spec.Task)!;
        const long parameters = (64L * 4096) + 4096 + (299L * ((4096L * 4096) + 4096)) + (4096L * 10) + 10;
        Assert.Equal(parameters, footprint.Parameters);
        var bytes = ResourceLimits.EstimateBytes(spec, spec.Configurations()[0], EngineCatalog.Instance);
        Assert.Equal((parameters * 16.0) + footprint.ActivationBytes, bytes); // weights, gradients, exp_avg, exp_avg_sq

        var limits = new ResourceLimits { AvailableBytes = 64L << 30 };
        var e = Assert.Throws<SpecValidationException>(() => limits.Check(spec, EngineCatalog.Instance, jobs: 1));
        Assert.StartsWith(
            $"$.task: one run of digits-mlp (adam) needs about {bytes / GiB:0.##} GiB ({parameters:N0} parameters × (4 bytes of weight, 4 of gradient, 8 of optimizer state)",
            e.Errors[0].ToString(), StringComparison.Ordinal);
        Assert.EndsWith("more than the 64 GiB of memory available; make the model or the batch smaller", e.Errors[0].ToString(), StringComparison.Ordinal);

        // It fits alone but not twelve at once: the message says how many fit.
        limits = new ResourceLimits { AvailableBytes = (long)(bytes * 2.5) };
        e = Assert.Throws<SpecValidationException>(() => limits.Check(
            SpecParser.Parse(DeepSpec().Replace("\"seeds\":[0]", "\"seeds\":[0,1,2,3,4,5,6,7,8,9,10,11]", StringComparison.Ordinal), EngineCatalog.Instance),
            EngineCatalog.Instance, jobs: 12));
        Assert.Contains(", 12 in parallel ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("run at most 2 in parallel (--jobs)", e.Errors[0].Message, StringComparison.Ordinal);
        limits.Check(spec, EngineCatalog.Instance, jobs: 12); // one run: one in flight
    }

    [Fact]
    public void TheComputeTimeIsEstimatedFromTheFootprintTheBudgetAndTheMeasuredSpeed()
    {
        string Spec(string budget, int seeds) =>
            $$"""{"name":"t","task":{"kind":"digits-mlp","hidden":[64]},"budget":{{{budget}}},"seeds":[{{string.Join(",", Enumerable.Range(0, seeds))}}],"optimizers":[{"name":"sgd","lr":[0.1,0.2]}]}""";
        var one = SpecParser.Parse(Spec("\"epochs\":1", 1), EngineCatalog.Instance);
        var footprint = one.Task.Definition.Footprint(one.Task)!;
        Assert.NotNull(footprint.SamplesPerEpoch);
        var expected = 2 * 6.0 * footprint.Parameters * footprint.SamplesPerEpoch!.Value / (ResourceLimits.MeasuredGflops * 1e9);
        // TimeSpan holds 100 ns ticks: compare within a relative 1e-6 (plus a tick).
        static void Near(double want, TimeSpan? got) => Assert.Equal(want, got!.Value.TotalSeconds, (want * 1e-6) + 1e-7);
        Near(expected, ResourceLimits.EstimateTime(one, jobs: 1));

        // Linear in epochs, runs and 1/jobs; steps count mini-batches.
        var more = SpecParser.Parse(Spec("\"epochs\":10", 4), EngineCatalog.Instance);
        Near(expected * 40 / 2, ResourceLimits.EstimateTime(more, jobs: 2));
        var steps = SpecParser.Parse(Spec("\"steps\":3", 1), EngineCatalog.Instance);
        Near(2 * 6.0 * footprint.Parameters * 3 * footprint.SamplesPerStep!.Value / (ResourceLimits.MeasuredGflops * 1e9), ResourceLimits.EstimateTime(steps, jobs: 1));

        // A task without a footprint has no estimate; a refused grid states the estimate.
        Assert.Null(ResourceLimits.EstimateTime(SpecParser.Parse(HugeGrid(), EngineCatalog.Instance), jobs: 1));
        var e = Assert.Throws<SpecValidationException>(() => new ResourceLimits { MaxRuns = 3 }.Check(more, EngineCatalog.Instance, jobs: 1));
        Assert.Contains("8 runs (2 configurations × 4 seeds), estimated at least ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCliRefusesTheDeepMlpBeforeAnyRun()
    {
        // Before: "Out of memory." and abort (exit 134). 300 layers of 4096 with Adam need about 75 GiB per run; four in
        // parallel are more than this machine (or any test machine) has.
        using var dir = new TempDir();
        var specPath = dir.Sub("deep.json");
        File.WriteAllText(specPath, DeepSpec().Replace("\"seeds\":[0]", "\"seeds\":[0,1,2,3]", StringComparison.Ordinal));
        var (code, output, error) = CliHarness.Run("compare", specPath, "--out", dir.Sub("o"), "--jobs", "4");
        Assert.True(code == ExitCodes.Error, error);
        Assert.StartsWith("error: the experiment spec has 1 problem:", error, StringComparison.Ordinal);
        Assert.Contains("$.task: one run of digits-mlp (adam) needs about ", error, StringComparison.Ordinal);
        Assert.Contains("GiB of memory available", error, StringComparison.Ordinal);
        Assert.DoesNotContain("runs on", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Sub("o")));
    }

    [Fact]
    public void AHugeGridIsRefusedUnlessTheLimitIsRaised()
    {
        var spec = SpecParser.Parse(HugeGrid(), EngineCatalog.Instance);
        Assert.Equal(1_000_000, ResourceLimits.RunCount(spec));
        var e = Assert.Throws<SpecValidationException>(() => new ResourceLimits().Check(spec, EngineCatalog.Instance, 1));
        Assert.Equal(
            "$: the spec expands to 1,000,000 runs (1,000 configurations × 1,000 seeds), more than the limit of 10,000; "
            + "make the grid or the seeds smaller, or raise the limit explicitly (descent compare --max-runs 1000000)",
            e.Errors[0].ToString());
        new ResourceLimits { MaxRuns = 1_000_000 }.Check(spec, EngineCatalog.Instance, 1);

        using var dir = new TempDir();
        var specPath = dir.Sub("huge.json");
        File.WriteAllText(specPath, HugeGrid());
        var (code, output, error) = CliHarness.Run("compare", specPath, "--out", dir.Sub("o"));
        Assert.True(code == ExitCodes.Error, error);
        Assert.Contains("more than the limit of 10,000", error, StringComparison.Ordinal);
        Assert.DoesNotContain("runs on", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Sub("o")));

        (code, _, error) = CliHarness.Run("compare", specPath, "--out", dir.Sub("o"), "--max-runs", "0");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--max-runs", error, StringComparison.Ordinal);
    }
}
