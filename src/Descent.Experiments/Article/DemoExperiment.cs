using System.Globalization;
using Descent.Experiments.Runs;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Training;

namespace Descent.Experiments.Article;

/// <summary>
/// The founding article's experiment behind <c>descent demo</c>, on seeded synthetic data (nothing to download; the demo
/// configuration of <see cref="ArticleRegression"/>):
/// (a) linear regression y = Xθ + b (256 samples, 3 features, θ = (2, −3.4, 1.7), b = 4.2, noise σ = 0.01)
/// fitted by plain gradient descent and by Adam from the same initial weights;
/// (b) the 2-16-1 MLP Linear(2,16) → Tanh → Linear(16,1) with MSE loss on y = sin(2x₁) + ½x₂² (256 samples)
/// trained full-batch by SGD, SGD with momentum and Adam from the same initial weights.
/// Every run is guarded by <see cref="GuardedRunner"/>: a diverging run stops with a message and the others
/// go on. Returns the results; drawing and writing them is the caller's.
/// </summary>
public static class DemoExperiment
{
    /// <summary>Samples of each data set.</summary>
    public const int Samples = 256;

    /// <summary>Loss target of the linear regression (10× the noise variance).</summary>
    public const double LinearLossTarget = 1e-3;

    /// <summary>Loss target of the MLP.</summary>
    public const double MlpLossTarget = 0.1;

    private const int WarmUpSteps = 30;

    /// <summary>Runs both experiments and returns their results.</summary>
    /// <param name="settings">Seed, steps and learning-rate override.</param>
    /// <param name="onStopped">Receives the message of every run that diverges, as it happens.</param>
    public static DemoResult Run(DemoSettings settings, Action<string>? onStopped = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        WarmUp(settings);
        return new DemoResult(settings,
        [
            RunSection("linear-regression", "Linear regression y = Xθ + b: gradient descent vs Adam", LinearLossTarget, LinearRegressionRuns(settings), settings, onStopped),
            RunSection("mlp", "MLP 2-16-1 (tanh), MSE: SGD vs SGD+momentum vs Adam", MlpLossTarget, MlpRuns(settings), settings, onStopped),
        ]);
    }

    /// <summary>The linear-regression runs: gradient descent (lr 0.1) and Adam (lr 0.1), or both at
    /// <see cref="DemoSettings.LearningRate"/>.</summary>
    public static IReadOnlyList<TrainingRun> LinearRegressionRuns(DemoSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (x, y, initSeed) = ArticleRegression.DemoLinearData((ulong)settings.Seed, Samples);
        Module Model() => ArticleRegression.LinearModel(new Rng(initSeed));
        var gdLr = settings.LearningRate ?? 0.1;
        var adamLr = settings.LearningRate ?? 0.1;
        return
        [
            Run("Gradient descent", x, y, Model(), ps => new Sgd(ps, new SgdOptions { LearningRate = gdLr }), $"lr={Num(gdLr)}"),
            Run("Adam", x, y, Model(), ps => new Adam(ps, new AdamOptions { LearningRate = adamLr }), $"lr={Num(adamLr)}"),
        ];
    }

    /// <summary>The MLP runs: SGD (lr 0.05), SGD+momentum (lr 0.05, momentum 0.9) and Adam (lr 0.01), or all at
    /// <see cref="DemoSettings.LearningRate"/>.</summary>
    public static IReadOnlyList<TrainingRun> MlpRuns(DemoSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (x, y, initSeed) = ArticleRegression.DemoMlpData((ulong)settings.Seed + 1, Samples);
        Module Model() => CreateMlp(new Rng(initSeed));
        var sgdLr = settings.LearningRate ?? 0.05;
        var momentumLr = settings.LearningRate ?? 0.05;
        var adamLr = settings.LearningRate ?? 0.01;
        return
        [
            Run("SGD", x, y, Model(), ps => new Sgd(ps, new SgdOptions { LearningRate = sgdLr }), $"lr={Num(sgdLr)}"),
            Run("SGD+momentum", x, y, Model(), ps => new Sgd(ps, new SgdOptions { LearningRate = momentumLr, Momentum = 0.9 }), $"lr={Num(momentumLr)}, momentum=0.9"),
            Run("Adam", x, y, Model(), ps => new Adam(ps, new AdamOptions { LearningRate = adamLr }), $"lr={Num(adamLr)}"),
        ];
    }

    /// <summary>The article's network: Linear(2,16) → Tanh → Linear(16,1), initialized from <paramref name="rng"/>.</summary>
    public static Sequential CreateMlp(Rng rng) => ArticleRegression.Mlp(rng);

    /// <summary>A full-batch run: each of the <see cref="GuardedRunner"/>'s steps is one batch of a <see cref="Learner"/>
    /// (the loss before the update, then the update).</summary>
    private static TrainingRun Run(string name, Tensor x, Tensor y, Module model, Func<IEnumerable<Parameter>, Optimizer> optimizer, string hyperparameters)
    {
        var loss = new MseLoss();
        var learner = new Learner<Tensor, Tensor>(model, optimizer(model.Parameters()), model.Forward, loss.Forward);
        return new TrainingRun(name, hyperparameters, _ => (float)learner.TrainBatch(x, y))
        {
            Evaluate = () =>
            {
                using (Autodiff.Tape.NoGrad())
                {
                    return loss.Forward(model.Forward(x), y).Item();
                }
            },
        };
    }

    private static DemoSection RunSection(
        string key, string title, double target, IReadOnlyList<TrainingRun> runs, DemoSettings settings, Action<string>? onStopped)
    {
        var runner = new GuardedRunner(settings.Steps, target) { OnStopped = onStopped };
        return new DemoSection(key, title, target, runner.RunAll(runs));
    }

    /// <summary>Formats a hyperparameter: plain decimals from 1e-4 to 1e6 (0.05, 300), otherwise 1e-05 / 1e+06 style.</summary>
    internal static string Num(double value)
        => value == 0 || (Math.Abs(value) >= 1e-4 && Math.Abs(value) < 1e6)
            ? value.ToString("0.##########", CultureInfo.InvariantCulture)
            : value.ToString("0.###e+0", CultureInfo.InvariantCulture);

    /// <summary>Runs a few steps of every run on throwaway copies so that just-in-time compilation (and its
    /// tiering) and the first allocations are not counted in the first run's wall time.</summary>
    private static void WarmUp(DemoSettings settings)
    {
        foreach (var run in LinearRegressionRuns(settings).Concat(MlpRuns(settings)))
        {
            try
            {
                for (var s = 0; s < WarmUpSteps; s++)
                {
                    run.Step(s);
                }
            }
            catch (ArithmeticException)
            {
                // A diverging configuration is reported by the real run.
            }
        }
    }
}
