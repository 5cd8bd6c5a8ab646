using Descent.Lab.Code;
using Descent.Lab.Specs;
using Descent.Nn;
using Descent.Training;

namespace Descent.Tests.Lab.Code;

public sealed class CodeTaskRegressionTests
{
    private const string Spec = """
        {"name": "linear", "budget": {"epochs": 40}, "seeds": [1, 2],
         "optimizers": [{"name": "sgd", "lr": 0.01}, {"name": "adam", "lr": 0.01}]}
        """;

    private const int Inputs = 3;
    private const int Outputs = 2;
    private const float Noise = 0.01f;

    // y = x·W + b (+ Gaussian noise of σ = Noise), two target columns: the best RMSE a model can reach is about Noise.
    private static (Dataset Set, Tensor Targets) Linear(int count, ulong seed)
    {
        float[,] w = { { 1.5f, -0.5f }, { -2f, 0.25f }, { 0.75f, 1f } };
        float[] b = [0.3f, -1.2f];
        var rng = new Rng(seed);
        var x = new Tensor(count, Inputs);
        var y = new Tensor(count, Outputs);
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < Inputs; j++)
            {
                x[i, j] = (float)rng.NextNormal();
            }

            for (var k = 0; k < Outputs; k++)
            {
                var v = b[k] + (Noise * (float)rng.NextNormal());
                for (var j = 0; j < Inputs; j++)
                {
                    v += x[i, j] * w[j, k];
                }

                y[i, k] = v;
            }
        }

        return (new Dataset(x, new int[count], 1), y);
    }

    private static CodeTask Task(int outputs = Outputs)
    {
        var (train, trainTargets) = Linear(256, seed: 11);
        var (validation, validationTargets) = Linear(64, seed: 12);
        return new CodeTask
        {
            Train = train,
            TrainTargets = trainTargets,
            Validation = validation,
            ValidationTargets = validationTargets,
            BatchSize = 16,
            Model = seed => new Linear(Inputs, outputs, new Rng((ulong)seed)),
        };
    }

    [Fact]
    public void AdamFitsALinearProblemToALowRmse()
    {
        var task = Task();
        Assert.True(task.IsRegression);
        Assert.Equal("val_rmse", task.DefaultMetric);
        Assert.Equal(["loss", "train_loss", "val_loss", "val_rmse"], task.Metrics);

        var (outcome, summary) = task.Compare(Spec);
        Assert.Equal(4, outcome.Executed);
        Assert.Empty(outcome.Failed);
        Assert.Equal("val_rmse", summary.Metric);
        Assert.Equal("min", summary.Goal);
        var adam = summary.Configurations.Single(c => c.Label == "adam");
        Assert.All(adam.Final.Values, v => Assert.InRange(v!.Value, 0, 5 * Noise));
    }

    [Fact]
    public void RunsAreDeterministicPerSeed()
    {
        var (_, first) = Task().Compare(Spec);
        var (_, second) = Task().Compare(Spec);
        Assert.Equal(first.Configurations.SelectMany(c => c.Final.Values), second.Configurations.SelectMany(c => c.Final.Values));
    }

    [Theory]
    [InlineData("output width", "the model (seed 0) outputs [1, 3] for one sample, the targets have 2 columns")]
    [InlineData("target rows", "TrainTargets is [5, 2]; expected [256, k]")]
    [InlineData("one side", "ValidationTargets not set; a regression needs both")]
    public void BadInputFailsBeforeAnyRunNamingTheCulprit(string problem, string expected)
    {
        var good = Task();
        var task = problem switch
        {
            "output width" => Task(outputs: 3),
            "target rows" => new CodeTask
            {
                Train = good.Train, TrainTargets = new Tensor(5, Outputs), Validation = good.Validation,
                ValidationTargets = good.ValidationTargets, Model = good.Model,
            },
            _ => new CodeTask { Train = good.Train, TrainTargets = good.TrainTargets, Validation = good.Validation, Model = good.Model },
        };
        var e = Assert.Throws<SpecValidationException>(() => task.Compare(Spec));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
