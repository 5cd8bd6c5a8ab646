using Descent.Tests.Infrastructure;

namespace Descent.Tests.Cli;

/// <summary>The README region of a compiled example, <c>examples/NAME/Program.cs</c> between <c>// &lt;readme&gt;</c>
/// and <c>// &lt;/readme&gt;</c> (line endings as <c>\n</c>), and the line counts docs/conveniences.md states.</summary>
internal static class ExampleRegion
{
    /// <summary>The examples with a README region and their PyTorch equivalents in docs/pytorch-equivalents.</summary>
    public static readonly (string Example, string PyTorch)[] All = [("CsvMlp", "csv_mlp.py"), ("LabFromCode", "lab_from_code.py")];

    /// <summary>The region's text, from the line after the opening marker to the closing marker.</summary>
    public static string Read(string example)
    {
        var path = Path.Combine(Golden.RepositoryRoot, "examples", example, "Program.cs");
        var program = File.ReadAllText(path).ReplaceLineEndings("\n");
        const string begin = "// <readme>\n", end = "// </readme>";
        var start = program.IndexOf(begin, StringComparison.Ordinal);
        var stop = program.IndexOf(end, StringComparison.Ordinal);
        if (start < 0 || stop <= start || program.IndexOf(begin, start + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"{path} must mark its README region once with // <readme> … // </readme>");
        }

        return program[(start + begin.Length)..stop];
    }

    /// <summary>Lines of code: non-blank lines that are not whole-line comments (<paramref name="comment"/>).</summary>
    public static int CodeLines(string text, string comment)
        => text.ReplaceLineEndings("\n").Split('\n').Count(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith(comment, StringComparison.Ordinal));

    /// <summary>The lines of code of a PyTorch equivalent.</summary>
    public static int PyTorchLines(string file)
        => CodeLines(File.ReadAllText(Path.Combine(Golden.RepositoryRoot, "docs", "pytorch-equivalents", file)), "#");
}
