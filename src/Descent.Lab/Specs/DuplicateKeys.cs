using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Descent.Lab.Specs;

/// <summary>
/// Finds keys that occur twice in one JSON object, anywhere in a document. JSON parsers disagree on them
/// (System.Text.Json's <see cref="JsonDocument"/> keeps both, lookups and serializers take the first or the last),
/// so a spec with a duplicate key is rejected before any run, with the JSON path of each repetition.
/// </summary>
public static class DuplicateKeys
{
    /// <summary>
    /// One <see cref="SpecError"/> per repeated key (at the path of its second and later occurrences), in
    /// document order. Keys are compared after unescaping (<c>"lr"</c> and <c>"l\u0072"</c> are the same key).
    /// Text that is not valid JSON gives no error here (the parser reports it).
    /// </summary>
    public static IReadOnlyList<SpecError> Find(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var errors = new List<SpecError>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });

        // One frame per open container: the keys seen so far (objects) or the next index (arrays), and the
        // path of the container itself.
        var stack = new Stack<(HashSet<string>? Keys, int Index, string Path)>();
        string? pendingKey = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                    {
                        var (keys, _, path) = stack.Peek();
                        pendingKey = reader.GetString()!;
                        if (!keys!.Add(pendingKey))
                        {
                            errors.Add(new SpecError(Child(path, pendingKey),
                                $"duplicate key \"{Printable.Escape(pendingKey)}\" (each key may appear once in an object)"));
                        }

                        continue;
                    }

                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                    {
                        var path = ValuePath(stack, pendingKey);
                        stack.Push(reader.TokenType == JsonTokenType.StartObject
                            ? (new HashSet<string>(StringComparer.Ordinal), 0, path)
                            : (null, 0, path));
                        pendingKey = null;
                        continue;
                    }

                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.Pop();
                        Advance(stack);
                        continue;

                    default:
                        Advance(stack);
                        pendingKey = null;
                        continue;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the spec parser reports it with its position.
        }

        return errors;
    }

    private static string ValuePath(Stack<(HashSet<string>? Keys, int Index, string Path)> stack, string? key)
    {
        if (stack.Count == 0)
        {
            return "$";
        }

        var (keys, index, path) = stack.Peek();
        return keys is null ? string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]") : Child(path, key!);
    }

    /// <summary>After a value inside an array, the next element's index.</summary>
    private static void Advance(Stack<(HashSet<string>? Keys, int Index, string Path)> stack)
    {
        if (stack.Count > 0 && stack.Peek() is { Keys: null } frame)
        {
            stack.Pop();
            stack.Push(frame with { Index = frame.Index + 1 });
        }
    }

    private static string Child(string path, string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? $"{path}.{key}"
            : $"{path}[\"{Printable.Escape(key).Replace("\"", "\\\"", StringComparison.Ordinal)}\"]";
}
