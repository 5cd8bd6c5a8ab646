// Compares SGD, Adam and AdamW on a model, data and metric defined here, with the lab's statistics and verdict.
// The region below is the README's copy (docs/conveniences.md counts its lines against PyTorch's).
// <readme>
using Descent;
using Descent.Lab.Code;
using Descent.Nn;
using Descent.Training;

// Your data (any Dataset: CsvDataset.ToDataset(), Datasets.FromTable, your own tensors) and your model, built from
// the run's seed so that every optimizer starts from the same weights for a seed.
var (train, validation) = Spirals(points: 600, seed: 7).Split(0.25, seed: 0);
var task = new CodeTask
{
    Train = train,
    Validation = validation,
    Model = seed =>
    {
        var rng = new Rng((ulong)seed);
        return new Sequential(new Linear(2, 32, rng), new Tanh(), new Linear(32, 32, rng), new Tanh(), new Linear(32, 2, rng));
    },
};

// Your metric, recorded after every epoch beside val_loss and val_accuracy.
task.CustomMetrics["val_f1"] = model => Metrics.F1(validation.Labels, model.PredictClasses(validation.Features), 2);

var (_, summary) = task.Compare("""
    { "name": "spirals", "budget": { "epochs": 30 }, "seeds": [1, 2, 3], "target": { "metric": "val_f1", "value": 0.9 },
      "optimizers": [ { "name": "sgd", "lr": 0.1, "momentum": 0.9 }, { "name": "adam", "lr": 0.01 },
                      { "name": "adamw", "lr": 0.01, "weight_decay": 0.01 } ] }
    """);
foreach (var c in summary.Configurations)
{
    Console.WriteLine($"{c.Label,-12} {c.Description,-34} final val_f1 {c.Final.Mean:F3} ± {c.Final.Std:F3}");
}

Console.WriteLine(summary.Verdict);
// </readme>

// Two interleaved spirals with Gaussian noise, labels 0 and 1.
static Dataset Spirals(int points, ulong seed)
{
    var rng = new Rng(seed);
    var features = new Tensor(points, 2);
    var labels = new int[points];
    for (var i = 0; i < points; i++)
    {
        labels[i] = i % 2;
        var t = 0.5f + (3f * (i / 2) / (points / 2));
        var sign = labels[i] == 0 ? 1f : -1f;
        features[i, 0] = (sign * t * MathF.Cos(t * 2f)) + (0.15f * (float)rng.NextNormal());
        features[i, 1] = (sign * t * MathF.Sin(t * 2f)) + (0.15f * (float)rng.NextNormal());
    }

    return new Dataset(features, labels, numClasses: 2, classNames: ["outer", "inner"]);
}
