using Descent.Lab.Functions;
using Descent.Lab.Runs;
using Descent.Nn;
using Descent.Training;

namespace Descent.Experiments.TestFunctions;

/// <summary>
/// Optimizes a 2-D <see cref="TestFunction"/>: the parameter is a 2-element float32 <see cref="Parameter"/>
/// (x, y) starting at the spec's <c>start</c>; each step sets its gradient to the analytic gradient
/// (computed in double at the current float values) plus, when <c>noise</c> &gt; 0, Gaussian noise of that
/// standard deviation drawn from an <see cref="Rng"/> seeded with the run's seed; then the optimizer steps.
/// Per-step metrics: <c>loss</c> (f, noise-free), <c>distance</c> to the nearest minimum, and the
/// trajectory <c>x</c>, <c>y</c>; step s is measured after s updates (s = 0 … budget).
/// </summary>
public sealed class TestFunctionTask : LabTask
{
    /// <summary>Creates the task for <paramref name="function"/>.</summary>
    public TestFunctionTask(TestFunction function)
    {
        Function = function ?? throw new ArgumentNullException(nameof(function));
    }

    /// <summary>The function optimized.</summary>
    public TestFunction Function { get; }

    /// <inheritdoc />
    public override RunResult Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var task = context.Spec.Task;
        var budget = context.Spec.Budget.Steps ?? context.Spec.Budget.Epochs ?? 0;
        var (sx, sy) = task.Start is { } s ? (s[0], s[1]) : Function.DefaultStart;
        var p = new Parameter(2);
        p[0] = (float)sx;
        p[1] = (float)sy;
        var optimizer = context.CreateOptimizer([p]);
        var rng = new Rng((ulong)context.Seed);
        var grad = new Tensor(2);
        var rec = new RunRecorder(context);
        var f = 0.0;

        // The loss of step s: f at the current point, recorded with the distance and the trajectory; NaN (a divergence)
        // when the point itself is no longer finite.
        double Measure(int step)
        {
            double x = p[0], y = p[1];
            f = Function.Value(x, y);
            rec.Step("loss", step, f);
            rec.Step("distance", step, Function.DistanceToMinimum(x, y));
            rec.Step("x", step, x);
            rec.Step("y", step, y);
            return IsBad(f) || IsBad(x) || IsBad(y) ? double.NaN : f;
        }

        void Gradient()
        {
            var (dx, dy) = Function.Gradient(p[0], p[1]);
            if (task.Noise > 0)
            {
                dx += task.Noise * rng.NextNormal();
                dy += task.Noise * rng.NextNormal();
            }

            grad[0] = (float)dx;
            grad[1] = (float)dy;
            p.Grad = grad;
        }

        var learner = new Learner<int, int>(optimizer, (step, _) => Measure(step), (_, _) => Gradient(),
            new LearnerOptions { MaxSteps = budget })
        {
            Scheduler = context.CreateSchedule(optimizer, budget),
            Cancellation = context.Cancellation,
            Callbacks = [new DivergenceDetection()],
        };
        try
        {
            learner.Fit(1, Enumerable.Range(0, int.MaxValue).Select(step => (step, 0))); // input: the step
        }
        catch (TrainingDivergedException d)
        {
            return Diverged(rec, context, (int)d.Step, f);
        }

        return IsBad(Measure(budget)) ? Diverged(rec, context, budget, f) : rec.Completed(budget);
    }

    private static RunResult Diverged(RunRecorder rec, RunContext context, int step, double f) =>
        rec.Diverged(step, $"{context.Run.Configuration.Label} ({context.Run.Configuration.Description}) diverged at step {step}: f = {f}");
}
