using System.Globalization;
using System.Text;

namespace Descent;

/// <summary>
/// Makes text from user files safe to print on a terminal: control characters (C0, DEL, C1 — ESC among them,
/// which starts terminal escape sequences) and the Unicode bidirectional overrides and isolates are written as
/// visible escapes (<c>\e</c>, <c>\n</c>, <c>\x07</c>, <c>\u202E</c>). The one helper for every message that
/// quotes file content (Descent.Data's <c>DataFormatException</c>, the safetensors reader) and for the command
/// line's error output.
/// </summary>
public static class Printable
{
    /// <summary><paramref name="text"/> with every control character escaped (newlines included): for a
    /// fragment quoted from a file.</summary>
    public static string Escape(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var i = IndexOfUnsafe(text, 0, keepNewlines: false);
        return i < 0 ? text : EscapeFrom(text, i, keepNewlines: false);
    }

    /// <summary><paramref name="text"/> with every control character escaped except line feeds: for a
    /// multi-line message whose lines are meant to stay lines.</summary>
    public static string EscapeKeepingLines(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var i = IndexOfUnsafe(text, 0, keepNewlines: true);
        return i < 0 ? text : EscapeFrom(text, i, keepNewlines: true);
    }

    /// <summary>
    /// The message of <paramref name="ex"/>, followed by the messages of its inner exceptions in parentheses, as
    /// printable text for a user: an argument exception's "(Parameter 'x')" suffix and "Actual value was …" line
    /// are folded into the sentence, and control characters are escaped (line feeds kept).
    /// </summary>
    public static string Describe(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var message = Plain(ex);
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            var text = Plain(inner);
            if (!message.Contains(text, StringComparison.Ordinal))
            {
                message += $" ({text})";
            }
        }

        return EscapeKeepingLines(message);
    }

    /// <summary>Whether <paramref name="c"/> is escaped by <see cref="Escape"/>.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    private static int IndexOfUnsafe(string text, int start, bool keepNewlines)
    {
        for (var i = start; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]) && !(keepNewlines && text[i] == '\n'))
            {
                return i;
            }
        }

        return -1;
    }

    private static string EscapeFrom(string text, int first, bool keepNewlines)
    {
        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsUnsafe(c) || (keepNewlines && c == '\n'))
            {
                sb.Append(c);
                continue;
            }

            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u001B' => "\\e",
                < '\u0100' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
            });
        }

        return sb.ToString();
    }

    private static string Plain(Exception ex)
    {
        var message = ex.Message;
        if (ex is ArgumentException { ParamName: { } name })
        {
            message = message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal);
        }

        const string Actual = "Actual value was ";
        var at = message.IndexOf('\n' + Actual, StringComparison.Ordinal);
        if (ex is ArgumentOutOfRangeException && at >= 0)
        {
            var value = message[(at + 1 + Actual.Length)..].TrimEnd('.', '\r', '\n');
            var sentence = message[..at].TrimEnd('\r', '.');
            message = sentence.Contains("got", StringComparison.Ordinal) ? sentence : $"{sentence}, got {value}";
        }

        return message;
    }
}
