using Descent.Tests.Infrastructure;

namespace Descent.Tests.Cli;

/// <summary>Keeps README.md honest: its library example is the compiled QuickStart example, and its set-up
/// commands are the two that run the demo and the tests.</summary>
public class ReadmeTests
{
    private static string Read(params string[] parts)
        => File.ReadAllText(Path.Combine([Golden.RepositoryRoot, .. parts])).ReplaceLineEndings("\n");

    /// <summary>The fenced code blocks of README.md with their language.</summary>
    private static List<(string Language, string Code)> CodeBlocks()
    {
        var blocks = new List<(string, string)>();
        var lines = Read("README.md").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var language = lines[i][3..].Trim();
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            {
                body.Add(lines[i]);
            }

            blocks.Add((language, string.Join('\n', body) + "\n"));
        }

        return blocks;
    }

    [Fact]
    public void LibraryExampleIsTheQuickStartProgram()
    {
        var program = Read("examples", "QuickStart", "Program.cs");
        const string begin = "// <quickstart>\n", end = "// </quickstart>";
        var start = program.IndexOf(begin, StringComparison.Ordinal);
        var stop = program.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, "examples/QuickStart/Program.cs must mark its README region with // <quickstart> … // </quickstart>");
        var region = program[(start + begin.Length)..stop];

        var csharp = CodeBlocks().Where(b => b.Language == "csharp").Select(b => b.Code).ToList();
        Assert.Single(csharp);
        Assert.Equal(region, csharp[0]);
    }

    [Fact]
    public void FirstCodeBlockHasExactlyTheTwoSetUpCommands()
    {
        var first = CodeBlocks()[0];
        Assert.Equal("sh", first.Language);
        Assert.Equal(
            ["dotnet run --project src/Descent.Cli -c Release -- demo", "dotnet test"],
            first.Code.TrimEnd('\n').Split('\n'));

        // .ci/run runs the README's test command.
        var ci = Read(".ci", "run").Split('\n');
        Assert.Contains("dotnet test", ci);
    }
}
