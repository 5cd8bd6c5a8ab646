using Descent.Autodiff;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Training;

namespace Descent.Experiments.Article;

/// <summary>
/// The article's two regression problems (<see cref="ArticleRegression"/>, lab configuration), trained full-batch with
/// the mean squared error:
/// <list type="bullet">
/// <item><c>linear-regression</c>: y = Xθ + b + ε with X ~ N(0, 1) of shape [n, 3], θ = (2, −3.5, 1.2),
/// b = 0.7, ε ~ N(0, 0.1²); the model is one <see cref="Linear"/>(3, 1).</item>
/// <item><c>mlp-regression</c>: the article's 2-16-1 network, Linear(2, 16) → Tanh → Linear(16, 1), on
/// y = 3x₁ − 2x₂ + 2·sin(2x₁)·x₂ + ε with X ~ N(0, 1) of shape [n, 2] and ε ~ N(0, 0.1²).</item>
/// </list>
/// The data come from a fixed seed (the same for every run); the run's seed initializes the weights, so
/// every optimizer starts from the same weights for the same seed. Per-step metric <c>loss</c>: the loss
/// after s updates (s = 0 … steps).
/// </summary>
public sealed class RegressionTask : LabTask
{
    /// <summary>The seed of the generated data (<see cref="ArticleRegression.LabDataSeed"/>).</summary>
    public const ulong DataSeed = ArticleRegression.LabDataSeed;

    /// <summary>Creates the task for <paramref name="kind"/> (<c>linear-regression</c> or <c>mlp-regression</c>).</summary>
    public RegressionTask(string kind)
    {
        if (kind is not (TaskKinds.LinearRegression or TaskKinds.MlpRegression))
        {
            throw new ArgumentException($"'{kind}' is not a regression task", nameof(kind));
        }

        Kind = kind;
    }

    /// <summary>The task kind.</summary>
    public string Kind { get; }

    /// <summary>The generated inputs and targets for <paramref name="samples"/> points (the lab configuration of
    /// <see cref="ArticleRegression"/>).</summary>
    public (Tensor X, Tensor Y) Data(int samples) => ArticleRegression.LabData(Kind == TaskKinds.LinearRegression, samples);

    /// <summary>The model, initialized from <paramref name="seed"/> (PyTorch's default Linear initialization).</summary>
    public Module Model(int seed)
    {
        var rng = new Rng((ulong)seed);
        return Kind == TaskKinds.LinearRegression
            ? new Sequential(ArticleRegression.LinearModel(rng))
            : ArticleRegression.Mlp(rng);
    }

    /// <inheritdoc />
    public override RunResult Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var steps = context.Spec.Budget.Steps ?? context.Spec.Budget.Epochs ?? 0;
        var (x, y) = Data(context.Spec.Task.Samples);
        var model = Model(context.Seed);
        var parameters = model.Parameters().ToList();
        var optimizer = context.CreateOptimizer(parameters);
        var mse = new MseLoss();
        var rec = new RunRecorder(context);
        var learner = new Learner<Tensor, Tensor>(model, optimizer, model.Forward, mse.Forward, new LearnerOptions { MaxSteps = steps })
        {
            Scheduler = context.CreateSchedule(optimizer, steps),
            Workspace = new Workspace(), // each step's intermediates are recycled by the next step
            Cancellation = context.Cancellation,
            Callbacks =
            [
                new ActionCallback(LearnerEvent.AfterLoss, l => rec.Step("loss", (int)l.Step, l.Loss)),
                new DivergenceDetection(),
            ],
        };
        try
        {
            // Full batch: one endless epoch of the same batch, for the step budget.
            learner.Fit(1, Enumerable.Repeat((x, y), int.MaxValue));
        }
        catch (TrainingDivergedException d)
        {
            return Diverged(rec, context, steps: (int)d.Step, d.Loss);
        }

        // The loss after the last update, step = steps.
        double final;
        using (Tape.NoGrad())
        {
            final = mse.Forward(model.Forward(x), y).Item();
        }

        rec.Step("loss", steps, final);
        return IsBad(final) ? Diverged(rec, context, steps, final) : rec.Completed(steps);
    }

    private static RunResult Diverged(RunRecorder rec, RunContext context, int steps, double value) =>
        rec.Diverged(steps, $"{context.Run.Configuration.Label} ({context.Run.Configuration.Description}) diverged at step {steps}: loss = {value}");
}
