using System.Text.RegularExpressions;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Cli;

/// <summary>Keeps README.md honest: every C# block is the <c>// &lt;readme&gt;</c> region of the compiled example named
/// in an <c>&lt;!-- example: PATH --&gt;</c> comment just above it, its set-up commands are the two that run the demo
/// and the tests, and it stays within 200 lines.</summary>
public class ReadmeTests
{
    private static string Read(params string[] parts)
        => File.ReadAllText(Path.Combine([Golden.RepositoryRoot, .. parts])).ReplaceLineEndings("\n");

    /// <summary>The fenced code blocks of README.md with their language and the lines just above each.</summary>
    private static List<(string Language, string Code, string[] Above)> CodeBlocks()
    {
        var blocks = new List<(string, string, string[])>();
        var lines = Read("README.md").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var language = lines[i][3..].Trim();
            var above = lines[Math.Max(0, i - 3)..i];
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            {
                body.Add(lines[i]);
            }

            blocks.Add((language, string.Join('\n', body) + "\n", above));
        }

        return blocks;
    }

    /// <summary>The README's C# blocks with the example each names.</summary>
    public static TheoryData<int> CSharpBlocks()
    {
        var data = new TheoryData<int>();
        var blocks = CodeBlocks();
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Language == "csharp")
            {
                data.Add(i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CSharpBlocks))]
    public void EveryCSharpBlockIsTheReadmeRegionOfTheExampleItNames(int index)
    {
        var block = CodeBlocks()[index];
        var marker = block.Above.Select(l => Regex.Match(l, @"^<!-- example: (?<path>\S+) -->$")).LastOrDefault(m => m.Success);
        Assert.True(marker is not null, $"README.md's C# block #{index} must be preceded (within 3 lines) by <!-- example: examples/X/Program.cs -->");
        var path = marker.Groups["path"].Value;
        var program = Read(path.Split('/'));
        const string begin = "// <readme>\n", end = "// </readme>";
        var start = program.IndexOf(begin, StringComparison.Ordinal);
        var stop = program.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, $"{path} must mark its README region with // <readme> … // </readme>");
        Assert.Equal(program[(start + begin.Length)..stop], block.Code);
    }

    [Fact]
    public void HasTheQuickStartExampleAndStaysShort()
    {
        Assert.Contains(CodeBlocks(), b => b.Language == "csharp" && b.Above.Contains("<!-- example: examples/QuickStart/Program.cs -->"));
        Assert.True(Read("README.md").TrimEnd('\n').Split('\n').Length <= 200, "README.md must stay within 200 lines; move details to docs/");
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
