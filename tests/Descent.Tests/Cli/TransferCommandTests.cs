using Descent.Cli;
using Descent.Cli.Commands;
using Descent.Experiments.Transfer;

namespace Descent.Tests.Cli;

public sealed class TransferCommandTests : IDisposable
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "descent-transfer-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void SmallTransferRunPrintsTheTableAndWritesChartAndResults()
    {
        var writer = new StringWriter();
        var context = CliContext.ForWriters(writer, new StringWriter(), 200);
        var settings = new TransferSettings
        {
            DataDirectory = Path.Combine(Infrastructure.Golden.RepositoryRoot, DataCommand.SubsetFolder),
            OutputDirectory = output,
            Optimizers = ["adamw"],
            PretrainEpochs = 1,
            PretrainPerClass = 40,
            Epochs = 2,
            Repeats = 1,
            Seed = 42,
            LabelsPerClass = 10,
            ValidationPerClass = 10,
            TestPerClass = 10,
        };
        Assert.Equal(ExitCodes.Success, TransferCommands.Execute(context, settings));
        var text = writer.ToString();
        Assert.Contains("pretrained", text, StringComparison.Ordinal);
        Assert.Contains("scratch", text, StringComparison.Ordinal);
        Assert.Contains("Fine-tuned test acc.", text, StringComparison.Ordinal);
        Assert.Contains("From scratch test acc.", text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "transfer.png")));
        var csv = File.ReadAllLines(Path.Combine(output, "results.csv"));
        Assert.Equal(1 + 4, csv.Length);
        Assert.True(File.Exists(Path.Combine(output, "pretrain", "best.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "runs", "adamw-finetuned-s42", "last.safetensors")));
    }

    [Fact]
    public void ADivergedRunIsMarkedAndNeverShownAsAResult()
    {
        // Issue 15, defect 6: a run that diverged was evaluated anyway and its chance-level accuracy (about 20 %) shown as
        // a result. SGD+momentum at lr 1e30 diverges at once, from the pretrained and from the scratch start.
        Directory.CreateDirectory(output);
        var weights = Path.Combine(output, "weights.safetensors");
        Descent.Checkpoints.SafetensorsFile.Write(weights, FashionTransfer.CreateScratch(0).StateDict());
        var writer = new StringWriter();
        var settings = new TransferSettings
        {
            DataDirectory = Path.Combine(Infrastructure.Golden.RepositoryRoot, DataCommand.SubsetFolder),
            OutputDirectory = output,
            Weights = weights,
            Optimizers = ["sgd-momentum"],
            LearningRate = 1e30,
            Epochs = 3,
            Repeats = 2,
            Seed = 3,
            LabelsPerClass = 10,
            ValidationPerClass = 10,
            TestPerClass = 10,
        };
        Assert.Equal(ExitCodes.Success, TransferCommands.Execute(CliContext.ForWriters(writer, new StringWriter(), 200), settings));
        var row = writer.ToString().Split('\n').Single(l => l.Contains("sgd-momentum", StringComparison.Ordinal) && l.Contains('│'));
        var cells = row.Split('│', StringSplitOptions.TrimEntries);
        Assert.Equal(["diverged", "diverged", "–", "diverged", "diverged"], cells[3..8]);
        Assert.DoesNotContain("%", row, StringComparison.Ordinal);
    }

    [Fact]
    public void FinetuneHelpNamesTheOptions()
    {
        var writer = new StringWriter();
        Program.Run(["finetune", "--help"], CliContext.ForWriters(writer, new StringWriter(), 200));
        var text = writer.ToString();
        foreach (var option in new[] { "--optimizer", "--lr", "--epochs", "--seed", "--freeze", "--resume", "--out", "--data", "--width", "--transfer", "conv|body" })
        {
            Assert.Contains(option, text, StringComparison.Ordinal);
        }
    }
}
