// A consumer of the packed packages (see Consumer.csproj): trains the digits MLP with SGD and Adam over three seeds,
// compares the final validation accuracies with the lab's statistics, draws the loss curves with the lab's chart, and
// tokenizes a sentence with Descent.Text's BERT pre-tokenizer. Prints what it measured; exits non-zero on a failure.
using Descent;
using Descent.Data;
using Descent.Lab.Analysis;
using Descent.Lab.Reports;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Text.Tokenization;
using Descent.Training;

var (train, validation) = Datasets.Digits().Split(0.3, seed: 0);
var results = new Dictionary<string, List<double>> { ["sgd"] = [], ["adam"] = [] };
var chart = new LossChart("digits MLP 64-32-10: training loss per step");
foreach (var name in results.Keys)
{
    for (var seed = 0UL; seed < 3; seed++)
    {
        var rng = new Rng(seed);
        var model = new Sequential(new Linear(64, 32, rng), new Relu(), new Linear(32, 10, rng));
        Optimizer optimizer = name == "sgd"
            ? new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.05, Momentum = 0.9 })
            : new Adam(model.Parameters(), new AdamOptions { LearningRate = 0.003 });
        var losses = new List<float>();
        var learner = new Learner<Tensor, int[]>(model, optimizer, model.Forward, new CrossEntropyLoss().Forward);
        learner.Callbacks.Add(new ActionCallback(LearnerEvent.AfterLoss, l => losses.Add((float)l.Loss)));
        learner.Fit(epochs: 5, epoch => new DataLoader(train, batchSize: 32, shuffle: true, seed: seed * 100 + (ulong)epoch)
            .Select(b => (b.Inputs, b.Labels)));
        results[name].Add(Accuracy(model, validation));
        if (seed == 0)
        {
            chart.Add(new LossSeries(name, losses));
        }
    }
}

foreach (var (name, accuracies) in results)
{
    var (low, high) = Statistics.BootstrapMeanCi(accuracies, seed: 1);
    Console.WriteLine($"{name,-5} validation accuracy {Statistics.Mean(accuracies):P2} (95% CI {low:P2}–{high:P2}) over {accuracies.Count} seeds");
}

var welch = Statistics.WelchTTest(results["adam"], results["sgd"]);
Console.WriteLine(welch is null ? "Welch's t-test: no spread" : $"Welch's t-test adam vs sgd: p = {welch.P:F3}");

var dir = Directory.CreateTempSubdirectory("descent-consumer-");
try
{
    var files = chart.Save(dir.FullName, "losses");
    Console.WriteLine($"chart: {string.Join(", ", files.Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length:N0} bytes"))}");
}
finally
{
    dir.Delete(recursive: true);
}

var words = new BertPreTokenizer(lowerCase: true).Split("Descent: Café naïve, 東京!");
Console.WriteLine($"BERT pre-tokens: {string.Join(" | ", words)}");
if (results.Values.Any(a => a.Average() < 0.8))
{
    Console.Error.WriteLine("error: an optimizer stayed below 80 % validation accuracy");
    return 1;
}

return 0;

static double Accuracy(Module model, Dataset data)
{
    using var noGrad = Descent.Autodiff.Tape.NoGrad();
    var logits = model.Forward(data.Features);
    var correct = 0;
    for (var i = 0; i < data.Count; i++)
    {
        var row = logits.Span.Slice(i * 10, 10);
        var best = 0;
        for (var c = 1; c < 10; c++)
        {
            best = row[c] > row[best] ? c : best;
        }

        correct += best == data.Labels[i] ? 1 : 0;
    }

    return correct / (double)data.Count;
}
