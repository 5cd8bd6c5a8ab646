using Descent.Data;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Tests.Data;
using Descent.Training;

namespace Descent.Tests.Training;

/// <summary>The training loops take any loss: the <see cref="Trainer"/> any loss of logits and labels, the
/// <see cref="Learner{TInput, TTarget}"/> any loss at all (here MSE on a regression CSV).</summary>
public sealed class LossChoiceTests : IDisposable
{
    private readonly TempFiles temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void TrainerUsesItsLossForTrainingAndValidation()
    {
        var data = Datasets.Digits().TakePerClass(5, seed: 1);
        Func<Tensor, int[], Tensor> doubled = (logits, labels) => new CrossEntropyLoss().Forward(logits, labels) * 2f;
        var model = new Sequential(new Linear(64, 10, new Rng(1)));
        var (ce, _) = Trainer.Evaluate(model, data);
        var (twice, _) = Trainer.Evaluate(model, data, loss: doubled);
        Assert.Equal(2 * ce, twice, 5);

        var a = new Sequential(new Linear(64, 10, new Rng(1)));
        var b = new Sequential(new Linear(64, 10, new Rng(1)));
        var options = new TrainerOptions { Epochs = 2 };
        var plain = new Trainer(a, new Sgd(a.Parameters(), new SgdOptions { LearningRate = 0.2 }), options)
            .Fit(new DataLoader(data, 10, shuffle: true, seed: 3), data);
        var scaled = new Trainer(b, new Sgd(b.Parameters(), new SgdOptions { LearningRate = 0.1 }), options) { Loss = doubled }
            .Fit(new DataLoader(data, 10, shuffle: true, seed: 3), data);

        // SGD with lr 0.1 on 2·CE takes the steps of lr 0.2 on CE: same weights, losses doubled.
        Assert.Equal(2 * plain.History[^1].ValidationLoss!.Value, scaled.History[^1].ValidationLoss!.Value, 4);
        Assert.Equal(2 * plain.History[^1].TrainLoss, scaled.History[^1].TrainLoss, 4);
    }

    [Fact]
    public void LearnerTrainsARegressionCsvWithMse()
    {
        var rows = Enumerable.Range(0, 40).Select(i => (X: i / 10f, Y: (3 * (i / 10f)) - 1)).ToList();
        var path = temp.WriteText("line.csv", "x,y\n" + string.Join("\n", rows.Select(r => FormattableString.Invariant($"{r.X},{r.Y}"))));
        var data = CsvDataset.Load(path, "y", CsvProblem.Regression);
        var model = new Linear(1, 1, new Rng(1));
        var mse = new MseLoss();
        var learner = new Learner<Tensor, Tensor>(model, new Adam(model.Parameters(), new AdamOptions { LearningRate = 0.1 }), model.Forward, mse.Forward);
        var before = Metrics.MeanSquaredError(data.Targets.Span, model.Predict(data.Features).Span);
        learner.Fit(300, [(data.Features, data.Targets)]);
        var predicted = model.Predict(data.Features);
        Assert.True(Metrics.MeanSquaredError(data.Targets.Span, predicted.Span) < before / 100);
        Assert.True(Metrics.R2Score(data.Targets.Span, predicted.Span) > 0.99);
    }
}
