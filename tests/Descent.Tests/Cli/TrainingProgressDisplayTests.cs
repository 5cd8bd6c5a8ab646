using Descent.Cli;
using Descent.Cli.Progress;
using Descent.Training;
using Spectre.Console;

namespace Descent.Tests.Cli;

public sealed class TrainingProgressDisplayTests
{
    private static TrainingProgress At(int epoch, int epochs, int batch, int batches) =>
        new(epoch, epochs, batch, batches, 0.123456, 1234.4, TimeSpan.FromSeconds(65));

    [Fact]
    public void DescribeShowsEpochLossThroughputAndEta()
        => Assert.Equal("epoch 3/10  batch 5/8  loss 0.1235  1,234 samples/s  ETA 01:05", TrainingProgressDisplay.Describe(At(3, 10, 5, 8)));

    [Fact]
    public void RedirectedOutputGetsPlainLinesAtAboutEveryFifthOfTheRunWithoutEscapes()
    {
        var writer = new StringWriter();
        var context = CliContext.ForWriters(writer, new StringWriter());
        Assert.False(TrainingProgressDisplay.IsLive(context));
        var result = TrainingProgressDisplay.Run(context, d =>
        {
            var p = d.Start("adam fine-tuned");
            for (var e = 1; e <= 10; e++)
            {
                for (var b = 1; b <= 3; b++)
                {
                    p.Report(At(e, 10, b, 3));
                }
            }

            return 7;
        }, plainInterval: TimeSpan.FromHours(1));
        Assert.Equal(7, result);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(
            [2, 4, 6, 8, 10],
            lines.Select(l => int.Parse(l.Split("epoch ")[1].Split('/')[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(lines, l => Assert.StartsWith("  adam fine-tuned: epoch ", l, StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', writer.ToString());
    }

    [Fact]
    public void AnInteractiveTerminalGetsTheLiveDisplay()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
        });
        var context = CliContextFor(writer, console);
        Assert.True(TrainingProgressDisplay.IsLive(context));
        TrainingProgressDisplay.Run(context, d =>
        {
            var p = d.Start("pretrain");
            p.Report(At(1, 2, 3, 3));
            p.Report(At(2, 2, 3, 3));
            return 0;
        });
        var text = writer.ToString();
        Assert.Contains("samples/s", text, StringComparison.Ordinal);
        Assert.Contains("ETA", text, StringComparison.Ordinal);
        Assert.Contains("epoch 2/2", text, StringComparison.Ordinal);
    }

    private static CliContext CliContextFor(TextWriter writer, IAnsiConsole console)
        => CliContext.ForConsole(writer, new StringWriter(), console);
}
