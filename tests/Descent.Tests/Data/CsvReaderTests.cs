using Descent.Data;

namespace Descent.Tests.Data;

public sealed class CsvReaderTests : IDisposable
{
    private readonly TempFiles temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ReadsNumbersHeaderQuotesAndBlankLines()
    {
        var path = temp.WriteText("t.csv", "a,b,\"c\"\n1,2.5,-3e2\n\n \"4\" , 5 ,6\n");
        var t = CsvReader.Read(path, new CsvOptions { HasHeader = true });
        Assert.Equal(["a", "b", "c"], t.Header);
        Assert.Equal(2, t.Rows);
        Assert.Equal(3, t.Columns);
        Assert.Equal([1f, 2.5f, -300f, 4f, 5f, 6f], t.Values.ToArray());
        Assert.Equal(-300f, t[0, 2]);
    }

    [Fact]
    public void ReadsGzipAndOtherSeparators()
    {
        var path = temp.WriteGzip("t.csv.gz", "# comment\n1;2\n3;4\n"u8.ToArray());
        var t = CsvReader.Read(path, new CsvOptions { Separator = ';', Comment = '#' });
        Assert.Equal([1f, 2f, 3f, 4f], t.Values.ToArray());
    }

    [Fact]
    public void RaggedRowNamesLineAndColumn()
    {
        var path = temp.WriteText("ragged.csv", "1,2,3\n4,5,6\n7,8\n");
        var e = Assert.Throws<DataFormatException>(() => CsvReader.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("line 3, column 4", e.Position);
        Assert.Equal("3 fields per row (as on line 1)", e.Expected);
        Assert.Equal("2 fields", e.Found);
    }

    [Fact]
    public void LongRowPointsAtTheExtraField()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvReader.Read(temp.WriteText("long.csv", "1,2\n3,4,55\n")));
        Assert.Equal("line 2, column 5", e.Position);
    }

    [Fact]
    public void NonNumericFieldNamesLineAndColumn()
    {
        var path = temp.WriteText("nn.csv", "1,2,3\n4,abc,6\n");
        var e = Assert.Throws<DataFormatException>(() => CsvReader.Read(path));
        Assert.Equal("line 2, column 3", e.Position);
        Assert.Equal("a number", e.Expected);
        Assert.Equal("'abc'", e.Found);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1,,3\n", "line 1, column 3", "an empty field")]
    [InlineData("1,2,nan\n", "line 1, column 5", "'nan'")]
    [InlineData("1,2,1e99\n", "line 1, column 5", "'1e99'")]
    public void EmptyNanAndOverflowAreNotNumbers(string content, string position, string found)
    {
        var e = Assert.Throws<DataFormatException>(() => CsvReader.Read(temp.WriteText("x.csv", content)));
        Assert.Equal(position, e.Position);
        Assert.Equal(found, e.Found);
    }

    [Fact]
    public void UnterminatedQuoteIsReported()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvReader.Read(temp.WriteText("q.csv", "1,\"2\n")));
        Assert.Equal("line 1, column 3", e.Position);
    }

    [Fact]
    public void BadLabelInTableNamesRowAndColumn()
    {
        var t = CsvReader.Read(temp.WriteText("l.csv", "0.5,1\n0.25,10\n"));
        var e = Assert.Throws<DataFormatException>(() => Datasets.FromTable(t, -1, 10));
        Assert.Equal("data row 2, column 2", e.Position);
        Assert.Equal("an integer class label in [0, 10)", e.Expected);
        Assert.Equal("10", e.Found);
        var f = CsvReader.Read(temp.WriteText("f.csv", "0.5,1.5\n"));
        Assert.Throws<DataFormatException>(() => Datasets.FromTable(f, -1, 10));
    }
}
