using Descent.Data;
using Descent.Tests.Data;

namespace Descent.Tests;

public sealed class PrintableTests : IDisposable
{
    private readonly TempFiles temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ControlCharactersAreEscaped()
    {
        Assert.Equal("plain text, ünïcødé ✓", Printable.Escape("plain text, ünïcødé ✓"));
        Assert.Equal("\\e[31mred\\e[0m \\x07\\x00\\x7F\\x9B \\t\\r\\n \\u202Eevil", Printable.Escape("\u001b[31mred\u001b[0m \u0007\0\u007f\u009b \t\r\n \u202Eevil"));
        Assert.Equal("line 1\nline \\e2", Printable.EscapeKeepingLines("line 1\nline \u001b2"));
        Assert.Equal(string.Empty, Printable.Escape(null));
    }

    [Fact]
    public void DescribeFoldsArgumentExceptionDecorationsIntoOneSentence()
    {
        Assert.Equal("Epochs must be ≥ 1, got -214748364",
            Printable.Describe(new ArgumentOutOfRangeException("Epochs", -214748364, "Epochs must be ≥ 1")));
        Assert.Equal("x must be >= 1, got 0", Printable.Describe(new ArgumentOutOfRangeException("x", 0, "x must be >= 1, got 0")));
        Assert.Equal("bad name", Printable.Describe(new ArgumentException("bad name", "name")));
        Assert.Equal("outer \\e[2J (inner)", Printable.Describe(new InvalidOperationException("outer \u001b[2J", new IOException("inner"))));
    }

    [Fact]
    public void ACsvFieldWithAnEscapeSequenceIsQuotedEscaped()
    {
        var path = temp.WriteText("evil.csv", "1,2\n3,\u001b]0;pwned\u0007\u001b[2J\n");
        var e = Assert.Throws<DataFormatException>(() => CsvReader.Read(path));
        Assert.Equal("line 2, column 3", e.Position);
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.DoesNotContain('\u0007', e.Message);
        Assert.EndsWith("expected a number, found '\\e]0;pwned\\x07\\e[2J'", e.Message, StringComparison.Ordinal);
    }
}
