using Descent.Data;
using Descent.Training;

namespace Descent.Tests.Data;

public sealed class CsvDatasetTests : IDisposable
{
    private readonly TempFiles temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void StringLabelsBecomeSortedClassesAndOtherNumericColumnsFeatures()
    {
        var path = temp.WriteText("iris.csv", "id,sepal,species,petal\nx1,5.1,setosa,1.4\nx2,7.0,versicolor,4.7\nx3,4.9,setosa,1.3\nx4,6.3,virginica,6.0\n");
        var d = CsvDataset.Load(path, target: "species");
        Assert.Equal(["setosa", "versicolor", "virginica"], d.Classes);
        Assert.Equal(["sepal", "petal"], d.FeatureNames); // "id" holds no number: left out
        Assert.Equal([0, 1, 0, 2], d.Labels);
        Assert.Equal(4, d.Count);
        Assert.Equal([5.1f, 1.4f, 7.0f, 4.7f, 4.9f, 1.3f, 6.3f, 6.0f], d.Features.ToArray());
        Assert.Equal([4, 2], d.Features.Shape.ToArray());
        var ds = d.ToDataset();
        Assert.Equal(3, ds.NumClasses);
        Assert.Equal(d.Classes, ds.ClassNames);
        Assert.Equal(d.Labels, ds.Labels);
    }

    [Fact]
    public void NumericLabelsSortNumerically()
    {
        var d = CsvDataset.Load(temp.WriteText("n.csv", "f,y\n1,10\n2,2\n3,1\n4,2\n"), "y");
        Assert.Equal(["1", "2", "10"], d.Classes);
        Assert.Equal([2, 1, 0, 1], d.Labels);
    }

    [Fact]
    public void NamedFeaturesKeepTheirOrder()
    {
        var d = CsvDataset.Load(temp.WriteText("o.csv", "a,b,c,y\n1,2,3,p\n4,5,6,q\n"), "y", features: ["c", "a"]);
        Assert.Equal(["c", "a"], d.FeatureNames);
        Assert.Equal([3f, 1f, 6f, 4f], d.Features.ToArray());
    }

    [Fact]
    public void RegressionTargetIsNumeric()
    {
        var d = CsvDataset.Load(temp.WriteText("r.csv", "x1,x2,price\n1,2,10.5\n3,4,-2\n"), "price", CsvProblem.Regression);
        Assert.Empty(d.Classes);
        Assert.Equal([10.5f, -2f], d.Targets.ToArray());
        Assert.Equal([2, 1], d.Targets.Shape.ToArray());
        Assert.Equal(["x1", "x2"], d.FeatureNames);
        Assert.Throws<InvalidOperationException>(d.ToDataset);
        var e = Assert.Throws<DataFormatException>(() =>
            CsvDataset.Load(temp.WriteText("r2.csv", "x,price\n1,2\n3,cheap\n"), "price", CsvProblem.Regression));
        Assert.Equal("line 3, column 3 ('price')", e.Position);
        Assert.Equal("'cheap'", e.Found);
    }

    [Fact]
    public void ValidationFileUsesTheTrainingClassesAndRejectsUnknownLabels()
    {
        var train = CsvDataset.Load(temp.WriteText("t.csv", "a,label\n1,cat\n2,dog\n"), "label");
        var val = CsvDataset.Load(temp.WriteText("v.csv", "a,label\n1,dog\n"), "label", classes: train.Classes);
        Assert.Equal(train.Classes, val.Classes);
        Assert.Equal([1], val.Labels);
        var path = temp.WriteText("v2.csv", "a,label\n1,dog\n2,bird\n");
        var e = Assert.Throws<DataFormatException>(() => CsvDataset.Load(path, "label", classes: train.Classes));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("line 3, column 3 ('label')", e.Position);
        Assert.Equal("one of the 2 classes of the training data (cat, dog)", e.Expected);
        Assert.Equal("'bird'", e.Found);
    }

    [Fact]
    public void MissingColumnNamesTheFileAndTheColumns()
    {
        var path = temp.WriteText("m.csv", "a,b\n1,2\n");
        var e = Assert.Throws<DataFormatException>(() => CsvDataset.Load(path, "label"));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("the header", e.Position);
        Assert.Equal("a target column named 'label'", e.Expected);
        Assert.Equal("the columns a, b", e.Found);
        var f = Assert.Throws<DataFormatException>(() => CsvDataset.Load(path, "b", features: ["z"]));
        Assert.Equal("a feature column named 'z'", f.Expected);
    }

    [Fact]
    public void NonNumericFeatureNamesRowAndColumn()
    {
        var path = temp.WriteText("nn.csv", "a,b,y\n1,2,p\n3,abc,q\n");
        var e = Assert.Throws<DataFormatException>(() => CsvDataset.Load(path, "y"));
        Assert.Equal("line 3, column 3 ('b')", e.Position);
        Assert.Equal("a number in the feature column", e.Expected);
        Assert.Equal("'abc'", e.Found);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);

        // A non-numeric cell before the column's first number is found too, at the end of the file.
        var late = Assert.Throws<DataFormatException>(() => CsvDataset.Load(temp.WriteText("late.csv", "a,y\n,p\n2,q\n"), "y"));
        Assert.Equal("line 2, column 1 ('a')", late.Position);
        Assert.Equal("an empty field", late.Found);

        // A named feature must be numeric even when none of its cells is.
        var named = Assert.Throws<DataFormatException>(() => CsvDataset.Load(temp.WriteText("id.csv", "id,a,y\nx,1,p\n"), "y", features: ["id", "a"]));
        Assert.Equal("line 2, column 1 ('id')", named.Position);
    }

    [Theory]
    [InlineData("", "end of file", "a header line naming the columns")]
    [InlineData("\n\n", "end of file", "a header line naming the columns")]
    [InlineData("a,y\n", "end of file", "at least one data row after the header")]
    public void EmptyFileIsReported(string content, string position, string expected)
    {
        var e = Assert.Throws<DataFormatException>(() => CsvDataset.Load(temp.WriteText("e.csv", content), "y"));
        Assert.Equal(position, e.Position);
        Assert.Equal(expected, e.Expected);
    }

    [Fact]
    public void AFileWithoutNumericFeaturesIsReported()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvDataset.Load(temp.WriteText("t.csv", "name,y\nann,p\nbob,q\n"), "y"));
        Assert.Equal("at least one numeric feature column besides the target 'y'", e.Expected);
        Assert.Equal("no column of numbers", e.Found);
        Assert.Equal("an empty feature list", Assert.Throws<DataFormatException>(() =>
            CsvDataset.Load(temp.WriteText("u.csv", "a,y\n1,p\n"), "y", features: [])).Found);
    }

    [Fact]
    public void RaggedRowAndEmptyLabelAreReported()
    {
        var ragged = Assert.Throws<DataFormatException>(() => CsvDataset.Load(temp.WriteText("r.csv", "a,y\n1,p\n2\n"), "y"));
        Assert.Equal("2 fields per row (as on line 1)", ragged.Expected);
        var empty = Assert.Throws<DataFormatException>(() => CsvDataset.Load(temp.WriteText("l.csv", "a,y\n1,\n"), "y"));
        Assert.Equal("line 2, column 3 ('y')", empty.Position);
        Assert.Equal("a class label", empty.Expected);
    }

    [Fact]
    public void QuotedFieldsGzipAndOtherSeparators()
    {
        var path = temp.WriteGzip("q.csv.gz", "\"a\";\"label\"\n\"1,5\";\"New York\"\n2;Boston\n"u8.ToArray());
        var e = Assert.Throws<DataFormatException>(() => CsvDataset.Load(path, "label", options: new CsvOptions { Separator = ';' }));
        Assert.Equal("'1,5'", e.Found);
        var ok = temp.WriteGzip("ok.csv.gz", "\"a\";\"label\"\n1.5;\"New York\"\n2;Boston\n"u8.ToArray());
        var d = CsvDataset.Load(ok, "label", options: new CsvOptions { Separator = ';' });
        Assert.Equal(["Boston", "New York"], d.Classes);
        Assert.Equal([1, 0], d.Labels);
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        var path = temp.WriteText("a.csv", "a,b,y\n1,2,p\n");
        Assert.Throws<ArgumentException>(() => CsvDataset.Load(path, "y", features: ["a", "y"]));
        Assert.Throws<ArgumentException>(() => CsvDataset.Load(path, "y", features: ["a", "a"]));
        Assert.Throws<ArgumentException>(() => CsvDataset.Load(path, "y", classes: ["p", "p"]));
        Assert.Throws<ArgumentException>(() => CsvDataset.Load(path, "y", CsvProblem.Regression, classes: ["p"]));
        Assert.Throws<FileNotFoundException>(() => CsvDataset.Load(Path.Combine(temp.Folder, "none.csv"), "y"));
    }
}
