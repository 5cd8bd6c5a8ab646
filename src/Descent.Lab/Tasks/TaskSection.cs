using System.Text.Json;
using Descent.Lab.Specs;

namespace Descent.Lab.Tasks;

/// <summary>
/// The <c>$.task</c> object handed to <see cref="ILabTask.Read"/>: typed readers that report every problem with its
/// JSON path (<c>$.task.top_k: must be in [1, 64]</c>) instead of throwing, so the whole spec is checked at once.
/// Keys the kind does not read have already been reported by the parser.
/// </summary>
public sealed class TaskSection
{
    private readonly SpecParser parser;

    internal TaskSection(SpecParser parser, JsonElement element, string path, ILabTask task)
    {
        this.parser = parser;
        Element = element;
        Path = path;
        Task = task;
    }

    /// <summary>The JSON object.</summary>
    public JsonElement Element { get; }

    /// <summary>Its JSON path (<c>$.task</c>).</summary>
    public string Path { get; }

    /// <summary>The kind being read.</summary>
    public ILabTask Task { get; }

    /// <summary>The folder relative paths resolve against (the spec file's folder; null: the current directory).</summary>
    public string? BaseDirectory => parser.BaseDirectory;

    /// <summary><paramref name="path"/> made absolute against <see cref="BaseDirectory"/> (a rooted path is kept).</summary>
    public string ResolvePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(BaseDirectory ?? Directory.GetCurrentDirectory(), path));
    }

    /// <summary>True when the kind reads <paramref name="key"/> and the section has it.</summary>
    public bool Has(string key) => Reads(key) && Element.TryGetProperty(key, out _);

    /// <summary>The value of <paramref name="key"/> when the kind reads it and the section has it.</summary>
    public bool TryGet(string key, out JsonElement value)
    {
        value = default;
        return Reads(key) && Element.TryGetProperty(key, out value);
    }

    /// <summary>Reports a problem at <c>PATH.key</c> (or at the section itself when <paramref name="key"/> is null).</summary>
    public void Error(string? key, string message) => parser.Error(key is null ? Path : $"{Path}.{key}", message);

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="fallback"/> when absent or invalid.</summary>
    public int? Int(string key, int min, int max, int? fallback = null) =>
        TryGet(key, out var v) ? parser.Int(v, $"{Path}.{key}", min, max) ?? fallback : fallback;

    /// <summary>A finite number ≥ <paramref name="min"/>; <paramref name="fallback"/> when absent or invalid.</summary>
    public double NumberAtLeast(string key, double min, double fallback) =>
        TryGet(key, out var v) ? parser.NumberAtLeast(v, $"{Path}.{key}", min) ?? fallback : fallback;

    /// <summary>A string that must be one of <paramref name="allowed"/>; null when absent or invalid.</summary>
    public string? Choice(string key, params string[] allowed)
    {
        if (!TryGet(key, out var v))
        {
            return null;
        }

        var value = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (value is not null && allowed.Contains(value))
        {
            return value;
        }

        Error(key, $"must be {string.Join(" or ", allowed.Select(a => $"\"{a}\""))}");
        return null;
    }

    /// <summary>A boolean; <paramref name="fallback"/> when absent or invalid.</summary>
    public bool Bool(string key, bool fallback)
    {
        if (!TryGet(key, out var v))
        {
            return fallback;
        }

        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }

        Error(key, $"must be true or false, not {Describe(v)}");
        return fallback;
    }

    /// <summary>How a JSON value is named in messages ("the string \"x\"", "an array", …).</summary>
    public static string Describe(JsonElement value) => SpecParser.Kind(value);

    /// <summary>
    /// The common fields of every task (<see cref="TaskSpec"/>): <c>hidden</c>, <c>batch_size</c>, <c>start</c>,
    /// <c>noise</c>, <c>l2</c>, <c>data</c> and <c>samples</c>, each read when the kind reads it and else at its default.
    /// </summary>
    /// <param name="hidden">The default hidden layer widths.</param>
    /// <param name="noise">The default gradient noise.</param>
    public TaskSpec Common(IReadOnlyList<int>? hidden = null, double noise = 0)
    {
        hidden ??= [64];
        if (TryGet("hidden", out var h))
        {
            if (h.ValueKind != JsonValueKind.Array || h.GetArrayLength() == 0)
            {
                Error("hidden", "must be a non-empty array of layer widths, e.g. [64]");
            }
            else
            {
                var list = new List<int>();
                var i = 0;
                foreach (var w in h.EnumerateArray())
                {
                    if (parser.Int(w, $"{Path}.hidden[{i++}]", 1, 4096) is { } x)
                    {
                        list.Add(x);
                    }
                }

                hidden = list;
            }
        }

        var batch = Int("batch_size", 1, 1_000_000);
        IReadOnlyList<double>? start = null;
        if (TryGet("start", out var st))
        {
            if (st.ValueKind != JsonValueKind.Array || st.GetArrayLength() != 2)
            {
                Error("start", "must be a point [x, y]");
            }
            else
            {
                var x = parser.Number(st[0], $"{Path}.start[0]");
                var y = parser.Number(st[1], $"{Path}.start[1]");
                if (x is { } xv && y is { } yv)
                {
                    start = [xv, yv];
                }
            }
        }

        if (TryGet("noise", out var n))
        {
            noise = parser.NumberAtLeast(n, $"{Path}.noise", 0) ?? 0;
        }

        var l2 = NumberAtLeast("l2", 0, 0);
        string? data = null;
        if (TryGet("data", out var d))
        {
            if (d.ValueKind != JsonValueKind.String)
            {
                Error("data", $"must be a directory path string, not {Describe(d)}");
            }
            else
            {
                data = d.GetString();
            }
        }

        var samples = Int("samples", 2, 1_000_000, 256)!.Value;
        return new TaskSpec(Task.Kind, hidden, batch, start, noise, l2, data, samples) { Definition = Task };
    }

    private bool Reads(string key) => Task.Keys.Any(k => k.Name == key);
}
