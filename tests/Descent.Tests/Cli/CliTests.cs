using Descent.Cli;

namespace Descent.Tests.Cli;

public class CliTests
{
    [Fact]
    public void RootHelpListsTheCommands()
    {
        var (code, output, error) = CliHarness.Run("--help");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains("descent [command] [options]", output);
        Assert.Contains("demo", output);
        Assert.Contains("--version", output);
    }

    [Fact]
    public void NoArgumentsShowsHelp()
    {
        var (code, output, _) = CliHarness.Run();
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
        Assert.Contains("demo", output);
    }

    [Fact]
    public void DemoHelpExplainsEveryOption()
    {
        var (code, output, _) = CliHarness.Run("demo", "--help");
        Assert.Equal(0, code);
        Assert.Contains("descent demo [options]", output);
        foreach (var option in new[] { "--seed", "--steps", "--lr", "--out", "-o", "--help" })
        {
            Assert.Contains(option, output);
        }

        Assert.Contains("[default: 42]", output);
        Assert.Contains("[default: 200]", output);
        Assert.Contains("[default: descent-out", output);
        Assert.Contains("diverged", output);
        Assert.Contains("Adam", output);
    }

    [Theory]
    [InlineData("--lr", "abc", "--lr expects a number such as 0.01 or 1e-3, got 'abc'.")]
    [InlineData("--lr", "-0.1", "--lr must be a finite number > 0, got -0.1.")]
    [InlineData("--lr", "0", "--lr must be a finite number > 0, got 0.")]
    [InlineData("--lr", "NaN", "--lr must be a finite number > 0, got NaN.")]
    [InlineData("--steps", "0", "--steps must be an integer >= 1, got 0.")]
    [InlineData("--steps", "ten", "--steps expects a whole number, got 'ten'.")]
    [InlineData("--steps", "1.5", "--steps expects a whole number, got '1.5'.")]
    [InlineData("--seed", "-1", "--seed must be a non-negative integer, got -1.")]
    [InlineData("--out", "", "--out must name a folder, got an empty value.")]
    public void InvalidOptionValueGivesAClearErrorAndNonZeroExit(string option, string value, string message)
    {
        var (code, output, error) = CliHarness.Run("demo", option, value);
        Assert.NotEqual(0, code);
        Assert.Contains($"error: {message}", error);
        Assert.Contains("Run 'descent demo --help' for usage.", error);
        Assert.DoesNotContain(" at ", error); // no stack trace
        Assert.DoesNotContain("Exception", error);
        Assert.DoesNotContain("descent demo:", output); // the demo did not start
    }

    [Fact]
    public void UnknownOptionIsAnError()
    {
        var (code, _, error) = CliHarness.Run("demo", "--bogus");
        Assert.Equal(ExitCodes.Usage, code); // was 1 before usage errors got their own code, 2 (issue 15)
        Assert.Contains("'--bogus'", error);
    }

    [Fact]
    public void UnknownCommandIsAnError()
    {
        var (code, _, error) = CliHarness.Run("frobnicate");
        Assert.Equal(ExitCodes.Usage, code); // was 1 before usage errors got their own code, 2 (issue 15)
        Assert.Contains("'frobnicate'", error);
        Assert.Contains("Run 'descent --help' for usage.", error);
    }
}
