// Trains an MLP on a CSV with a string label column, then predicts, scores, saves and reloads it.
// The region below is the README's copy (docs/conveniences.md counts its lines against PyTorch's).
// <readme>
using Descent;
using Descent.Data;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Training;

// Header, target column by name, string labels → classes; the test file is read with the training file's classes.
var train = CsvDataset.Load("fruit_train.csv", target: "fruit").ToDataset();
var test = CsvDataset.Load("fruit_test.csv", target: "fruit", classes: train.ClassNames).ToDataset();
var scale = Normalization.Fit(train, perChannel: true); // each feature's mean and std on the training rows
(train, test) = (train.Normalize(scale), test.Normalize(scale));

Sequential Mlp(Rng rng) => new(new Linear(4, 16, rng), new Relu(), new Linear(16, train.NumClasses, rng));
var model = Mlp(new Rng(seed: 0));
var optimizer = new Adam(model.Parameters(), new AdamOptions { LearningRate = 0.01 });
new Trainer(model, optimizer, new TrainerOptions { Epochs = 100 }).Fit(new DataLoader(train, 16, shuffle: true, seed: 0));

int[] predicted = model.PredictClasses(test.Features);
Console.WriteLine($"accuracy {Metrics.Accuracy(test.Labels, predicted):F3}, macro-F1 {Metrics.F1(test.Labels, predicted, test.NumClasses):F3}");
Console.WriteLine(Metrics.ConfusionMatrix(test.Labels, predicted, test.NumClasses).ToString(test.ClassNames));

model.Save("fruit-mlp.safetensors");
var reloaded = Mlp(new Rng(seed: 1));
reloaded.Load("fruit-mlp.safetensors");
Console.WriteLine($"reloaded predicts the same: {reloaded.PredictClasses(test.Features).SequenceEqual(predicted)}");
Console.WriteLine(model);
// </readme>
