using System.Globalization;
using Descent.Experiments;
using Descent.Lab;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;
using Descent.Lab.Tasks;
using Descent.Nn;

namespace Descent.Tests.Lab.Tasks;

/// <summary>A program registers its own task kind from code: the spec parser reads its section, the runner trains it,
/// the store fingerprints it and the report renders it, with no change to the lab.</summary>
public sealed class CustomTaskTests
{
    private const string Spec = """
        { "name": "custom", "task": { "kind": "parabola", "centre": 3 }, "budget": { "steps": 40 }, "seeds": [0, 1],
          "optimizers": [ { "name": "sgd", "lr": 0.25 } ] }
        """;

    private static LabTaskRegistry Registry() => ExperimentTasks.Register(new LabTaskRegistry().Register(new Parabola()));

    [Fact]
    public void ACustomTaskParsesTrainsAndRenders()
    {
        var registry = Registry();
        var spec = SpecParser.Parse(Spec, EngineCatalog.Instance, registry);
        Assert.Same(registry.Get("parabola"), spec.Task.Definition);
        Assert.Equal(3.0, Assert.IsType<ParabolaSettings>(spec.Task.Settings).Centre);
        Assert.Equal("distance", spec.Metric);

        using var dir = new TempDir();
        var (outcome, summary) = ExperimentPipeline.Run(spec, dir.Path, EngineCatalog.Instance, jobs: 1);
        Assert.Equal((2, 2, 0), (outcome.Total, outcome.Executed, outcome.Diverged));
        Assert.True(File.Exists(Path.Combine(dir.Path, "report.html")));
        Assert.Equal("parabola", summary.Task);
        using var store = RunStore.OpenExisting(dir.Path);
        foreach (var run in store.LoadRuns())
        {
            // SGD on (p - c)² with lr 1/4 halves the distance each step: 3·2⁻⁴⁰ after 40 steps (float32 reaches 0).
            var last = run.Result.StepMetrics.Last(m => m.Name == "distance");
            Assert.Equal(40, last.Step);
            Assert.True(last.Value < 1e-6, last.Value.ToString(CultureInfo.InvariantCulture));
        }

        Assert.EndsWith(" centre=3", RunStore.Fingerprint(spec), StringComparison.Ordinal);
    }

    [Fact]
    public void ItsKeysAreValidatedWithJsonPathsAndForeignKeysAreRejected()
    {
        var bad = Spec.Replace("\"centre\": 3", "\"centre\": \"x\", \"hidden\": [8]", StringComparison.Ordinal);
        var e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(bad, EngineCatalog.Instance, Registry()));
        Assert.Contains("$.task.centre: must be a number, not the string \"x\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("$.task.hidden: only a digits-mlp task has configurable hidden layers, not parabola", e.Message, StringComparison.Ordinal);

        var unknownMetric = Spec.Replace("\"seeds\"", "\"target\": { \"metric\": \"val_accuracy\", \"value\": 1 }, \"seeds\"", StringComparison.Ordinal);
        e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(unknownMetric, EngineCatalog.Instance, Registry()));
        Assert.Contains("$.target.metric: task parabola does not report 'val_accuracy'; it reports distance", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AKindRegistersOnceAndAnUnregisteredKindIsNamedWithTheRegisteredOnes()
    {
        var registry = new LabTaskRegistry().Register(new Parabola());
        Assert.Throws<ArgumentException>(() => registry.Register(new Parabola()));
        var e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(Spec.Replace("parabola", "rosenbrock", StringComparison.Ordinal), EngineCatalog.Instance, registry));
        Assert.Contains("$.task.kind: unknown task kind 'rosenbrock'; expected one of parabola", e.Message, StringComparison.Ordinal);
    }

    private sealed record ParabolaSettings(double Centre) : TaskSettings;

    /// <summary>Minimizes (p − centre)² over one parameter; metric <c>distance</c> = |p − centre|.</summary>
    private sealed class Parabola : ILabTask
    {
        public string Kind => "parabola";

        public IReadOnlyList<TaskKey> Keys { get; } =
            [new("centre", "applies to parabola only", """{"type": "number", "description": "The minimum."}""")];

        public IReadOnlyList<string> Metrics { get; } = ["distance"];

        public string DefaultMetric => "distance";

        public TaskSpec Read(TaskSection section)
        {
            var centre = 0.0;
            if (section.TryGet("centre", out var c))
            {
                if (c.ValueKind == System.Text.Json.JsonValueKind.Number)
                {
                    centre = c.GetDouble();
                }
                else
                {
                    section.Error("centre", $"must be a number, not {TaskSection.Describe(c)}");
                }
            }

            return section.Common() with { Settings = new ParabolaSettings(centre) };
        }

        public string Fingerprint(TaskSpec task) => string.Create(CultureInfo.InvariantCulture, $" centre={((ParabolaSettings)task.Settings!).Centre}");

        public LabTask CreateRun(TaskSpec task, string? outputDirectory) => new ParabolaRun(((ParabolaSettings)task.Settings!).Centre);

        private sealed class ParabolaRun(double centre) : LabTask
        {
            public override RunResult Run(RunContext context)
            {
                var steps = context.Spec.Budget.Steps!.Value;
                var p = new Parameter(1);
                var optimizer = context.CreateOptimizer([p]);
                var rec = new RunRecorder();
                var grad = new Tensor(1);
                for (var step = 0; ; step++)
                {
                    rec.Step("distance", step, Math.Abs(p[0] - centre));
                    if (step == steps)
                    {
                        return rec.Completed(steps);
                    }

                    grad[0] = (float)(2 * (p[0] - centre));
                    p.Grad = grad;
                    optimizer.Step();
                }
            }
        }
    }
}
