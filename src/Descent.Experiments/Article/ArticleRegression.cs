using Descent.Nn;

namespace Descent.Experiments.Article;

/// <summary>
/// The founding article's two regression problems, defined once for the <c>descent demo</c> experiment
/// (<see cref="DemoExperiment"/>) and the lab's <c>linear-regression</c>/<c>mlp-regression</c> tasks
/// (<see cref="RegressionTask"/>): a linear model y = Xθ + b and the 2-16-1 tanh MLP, each with its data. The demo and
/// the lab were recorded on different data, so each problem has two named data configurations:
/// <list type="bullet">
/// <item><c>Demo</c>: data from the run's seed, in single precision — linear: X ~ N(0, 1) [n, 3], θ = (2, −3.4, 1.7),
/// b = 4.2, noise N(0, 0.01²); MLP: X ~ N(0, 1) [n, 2], y = sin(2x₁) + ½x₂² (no noise); the initial weights come from a
/// seed drawn after the data.</item>
/// <item><c>Lab</c>: data from the fixed <see cref="LabDataSeed"/>, in double precision — linear: θ = (2, −3.5, 1.2),
/// b = 0.7; MLP: y = 3x₁ − 2x₂ + 2·sin(2x₁)·x₂; both with noise N(0, 0.1²); the run's seed initializes the weights.</item>
/// </list>
/// </summary>
public static class ArticleRegression
{
    /// <summary>The seed of the lab configuration's data.</summary>
    public const ulong LabDataSeed = 1234;

    /// <summary>Inputs of the linear problem.</summary>
    public const int LinearFeatures = 3;

    /// <summary>Inputs of the MLP problem.</summary>
    public const int MlpFeatures = 2;

    private static readonly float[] DemoTheta = [2f, -3.4f, 1.7f];
    private const float DemoBias = 4.2f;
    private const float DemoNoiseStd = 0.01f;

    /// <summary>The article's network: Linear(2,16) → Tanh → Linear(16,1), initialized from <paramref name="rng"/>.</summary>
    public static Sequential Mlp(Rng rng) => new(new Linear(MlpFeatures, 16, rng), new Tanh(), new Linear(16, 1, rng));

    /// <summary>The linear model Linear(3, 1), initialized from <paramref name="rng"/>.</summary>
    public static Linear LinearModel(Rng rng) => new(LinearFeatures, 1, rng);

    /// <summary>The demo configuration of the linear problem: data from <paramref name="seed"/> and the seed of the
    /// initial weights drawn after them.</summary>
    public static (Tensor X, Tensor Y, ulong InitSeed) DemoLinearData(ulong seed, int samples)
    {
        var rng = new Rng(seed);
        var x = Tensor.Normal(rng, 0f, 1f, samples, DemoTheta.Length);
        var noise = Tensor.Normal(rng, 0f, DemoNoiseStd, samples, 1);
        var y = new Tensor(samples, 1);
        for (var i = 0; i < samples; i++)
        {
            var v = DemoBias + noise[i];
            for (var j = 0; j < DemoTheta.Length; j++)
            {
                v += x[i, j] * DemoTheta[j];
            }

            y[i] = v;
        }

        return (x, y, rng.NextUInt64());
    }

    /// <summary>The demo configuration of the MLP problem: data from <paramref name="seed"/> and the seed of the
    /// initial weights drawn after them.</summary>
    public static (Tensor X, Tensor Y, ulong InitSeed) DemoMlpData(ulong seed, int samples)
    {
        var rng = new Rng(seed);
        var x = Tensor.Normal(rng, 0f, 1f, samples, MlpFeatures);
        var y = new Tensor(samples, 1);
        for (var i = 0; i < samples; i++)
        {
            y[i] = MathF.Sin(2f * x[i, 0]) + (0.5f * x[i, 1] * x[i, 1]);
        }

        return (x, y, rng.NextUInt64());
    }

    /// <summary>The lab configuration's data of the linear (<paramref name="linear"/>) or the MLP problem.</summary>
    public static (Tensor X, Tensor Y) LabData(bool linear, int samples)
    {
        var rng = new Rng(LabDataSeed);
        var x = Tensor.Normal(rng, 0, 1, samples, linear ? LinearFeatures : MlpFeatures);
        var y = new Tensor(samples, 1);
        for (var i = 0; i < samples; i++)
        {
            var noise = 0.1 * rng.NextNormal();
            double v;
            if (linear)
            {
                v = (2.0 * x[i, 0]) - (3.5 * x[i, 1]) + (1.2 * x[i, 2]) + 0.7;
            }
            else
            {
                double x1 = x[i, 0], x2 = x[i, 1];
                v = (3 * x1) - (2 * x2) + (2 * Math.Sin(2 * x1) * x2);
            }

            y[i, 0] = (float)(v + noise);
        }

        return (x, y);
    }
}
