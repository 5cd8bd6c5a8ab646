using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Descent.Text.Data;

/// <summary>
/// Turns a raw RFC 822 e-mail into the plain text a classifier should see: the Subject line, a newline, then the body.
/// </summary>
/// <remarks>
/// <para>Why only the subject and body: in the SpamAssassin corpus the ham and spam collections were gathered from
/// different mailboxes at different times, so the other headers (Received, Date, Message-ID, X-Spam-*, X-Mailer, the
/// mbox "From " line, list headers) identify the collection rather than the message — a classifier that reads them scores
/// well by recognising the source. They are dropped.</para>
/// <para>Body: MIME is followed as far as it helps text classification — multipart bodies are split on their boundary
/// (nested up to 8 deep); in multipart/alternative the text/plain part is kept when it has text, otherwise the HTML one;
/// in other multiparts every text part is kept, in order; message/rfc822 parts contribute their subject and body;
/// non-text parts (images, attachments) are dropped. Quoted-printable and base64 text parts are decoded with their
/// charset (UTF-8, Latin-1, ASCII, or a Windows/ISO code page; unknown charsets as Latin-1). RFC 2047 encoded words in
/// the subject are decoded. HTML (text/html, or a text part that plainly is HTML) loses its comments, script and style
/// blocks and tags, and its entities are decoded. Finally each of the two parts has its whitespace runs collapsed to one
/// space and is trimmed. Malformed MIME never throws: what cannot be decoded is kept as it is.</para>
/// </remarks>
public static partial class EmailText
{
    private const int MaxDepth = 8;

    /// <summary>The subject and body of <paramref name="rawEmail"/> as plain text (see the remarks).</summary>
    public static string ToPlainText(string rawEmail)
    {
        ArgumentNullException.ThrowIfNull(rawEmail);
        var (subject, body) = Extract(rawEmail.Replace("\r\n", "\n", StringComparison.Ordinal), 0);
        subject = Collapse(subject);
        body = Collapse(body);
        return subject.Length == 0 ? body : body.Length == 0 ? subject : subject + "\n" + body;
    }

    private static (string Subject, string Body) Extract(string message, int depth)
    {
        var (headers, body) = SplitHeaders(message);
        var subject = DecodeEncodedWords(Header(headers, "subject") ?? string.Empty);
        return (subject, Content(headers, body, depth));
    }

    private static string Content(List<KeyValuePair<string, string>> headers, string body, int depth)
    {
        var contentType = Header(headers, "content-type") ?? "text/plain";
        var media = contentType.Split(';', 2)[0].Trim().ToLowerInvariant();
        var encoding = (Header(headers, "content-transfer-encoding") ?? string.Empty).Trim().ToLowerInvariant();
        var charset = Parameter(contentType, "charset");
        if (media.StartsWith("multipart/", StringComparison.Ordinal) && depth < MaxDepth
            && Parameter(contentType, "boundary") is { Length: > 0 } boundary)
        {
            var parts = SplitMultipart(body, boundary);
            if (parts is not null)
            {
                var texts = new List<(string Media, string Text)>();
                foreach (var part in parts)
                {
                    var (h, b) = SplitHeaders(part, allowMbox: false);
                    var partMedia = (Header(h, "content-type") ?? "text/plain").Split(';', 2)[0].Trim().ToLowerInvariant();
                    var text = Content(h, b, depth + 1);
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        texts.Add((partMedia, text));
                    }
                }

                if (media == "multipart/alternative" && texts.Count > 0)
                {
                    return texts.FirstOrDefault(t => t.Media == "text/plain").Text ?? texts[^1].Text;
                }

                return string.Join("\n", texts.Select(t => t.Text));
            }
        }

        if (media == "message/rfc822" && depth < MaxDepth)
        {
            var (s, b) = Extract(body, depth + 1);
            return s.Length == 0 ? b : s + "\n" + b;
        }

        if (!(media.StartsWith("text/", StringComparison.Ordinal) || media.StartsWith("multipart/", StringComparison.Ordinal) || media.Length == 0))
        {
            return string.Empty;
        }

        var decoded = encoding switch
        {
            "quoted-printable" => Decode(DecodeQuotedPrintable(body), charset),
            "base64" => DecodeBase64Body(body, charset),
            _ => body,
        };
        return media == "text/html" || HtmlMarker().IsMatch(decoded) ? StripHtml(decoded) : decoded;
    }

    /// <summary>Splits a message into unfolded headers and body at the first empty line. Without a header block
    /// (the first line is not "Name: value"), everything is body.</summary>
    private static (List<KeyValuePair<string, string>> Headers, string Body) SplitHeaders(string message, bool allowMbox = true)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var pos = 0;
        if (allowMbox && message.StartsWith("From ", StringComparison.Ordinal))
        {
            pos = NextLine(message, 0);
        }

        var start = pos;
        while (pos < message.Length)
        {
            var end = message.IndexOf('\n', pos);
            var line = end < 0 ? message[pos..] : message[pos..end];
            var next = end < 0 ? message.Length : end + 1;
            if (line.Length == 0)
            {
                return (headers, message[next..]);
            }

            if ((line[0] == ' ' || line[0] == '\t') && headers.Count > 0)
            {
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + " " + line.Trim());
            }
            else
            {
                var colon = line.IndexOf(':');
                if (colon <= 0 || line[..colon].Any(c => c is ' ' or '\t' || char.IsControl(c)))
                {
                    // Not a header: a message without a header block (or a broken one) — keep the rest as body.
                    return headers.Count == 0 ? (headers, message[start..]) : (headers, message[pos..]);
                }

                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }

            pos = next;
        }

        return (headers, string.Empty);
    }

    private static int NextLine(string s, int pos)
    {
        var end = s.IndexOf('\n', pos);
        return end < 0 ? s.Length : end + 1;
    }

    private static string? Header(List<KeyValuePair<string, string>> headers, string name)
    {
        foreach (var h in headers)
        {
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return h.Value;
            }
        }

        return null;
    }

    private static string? Parameter(string contentType, string name)
    {
        foreach (Match m in ParameterPattern().Matches(contentType))
        {
            if (string.Equals(m.Groups[1].Value, name, StringComparison.OrdinalIgnoreCase))
            {
                return m.Groups[3].Success ? m.Groups[3].Value : m.Groups[2].Value;
            }
        }

        return null;
    }

    /// <summary>The parts between "--boundary" lines (preamble and epilogue dropped), or null if there is no delimiter.</summary>
    private static List<string>? SplitMultipart(string body, string boundary)
    {
        var delimiter = "--" + boundary;
        var parts = new List<string>();
        StringBuilder? current = null;
        var found = false;
        foreach (var line in body.Split('\n'))
        {
            var trimmed = line.TrimEnd();
            if (trimmed == delimiter || trimmed == delimiter + "--")
            {
                found = true;
                if (current is not null)
                {
                    parts.Add(current.ToString());
                }

                current = trimmed == delimiter ? new StringBuilder() : null;
                if (current is null)
                {
                    break;
                }

                continue;
            }

            current?.Append(line).Append('\n');
        }

        if (current is not null)
        {
            parts.Add(current.ToString());
        }

        return found ? parts : null;
    }

    private static byte[] DecodeQuotedPrintable(string text)
    {
        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '=')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                    continue;
                }

                if (i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
                {
                    bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                    i += 2;
                    continue;
                }
            }

            if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                // Already-decoded non-ASCII text (the package stores text, not bytes): keep it as UTF-8.
                var n = char.IsHighSurrogate(c) && i + 1 < text.Length
                    ? Encoding.UTF8.GetBytes(text.AsSpan(i++, 2), utf8)
                    : Encoding.UTF8.GetBytes(text.AsSpan(i, 1), utf8);
                for (var k = 0; k < n; k++)
                {
                    bytes.Add(utf8[k]);
                }
            }
        }

        return [.. bytes];
    }

    /// <summary>Decodes the leading base64 lines of a body; text after them (a footer a mailing list appended) is kept
    /// as it is. A body that does not start with base64 is returned unchanged.</summary>
    private static string DecodeBase64Body(string body, string? charset)
    {
        var pos = 0;
        var end = 0;
        while (pos < body.Length)
        {
            var next = NextLine(body, pos);
            var line = body.AsSpan(pos, next - pos).Trim();
            var isBase64 = true;
            foreach (var c in line)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
                {
                    isBase64 = false;
                    break;
                }
            }

            if (!isBase64)
            {
                break;
            }

            pos = next;
            if (!line.IsEmpty)
            {
                end = pos;
            }
        }

        if (end == 0 || TryDecodeBase64(body[..end]) is not { } bytes)
        {
            return body;
        }

        return Decode(bytes, charset) + "\n" + body[end..];
    }

    private static byte[]? TryDecodeBase64(string text)
    {
        var compact = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/')
            {
                compact.Append(c);
            }
            else if (!(char.IsWhiteSpace(c) || c == '='))
            {
                return null; // not base64: keep the text as it is
            }
        }

        // Drop a trailing partial quantum (a truncated part) rather than fail.
        var length = compact.Length - (compact.Length % 4 == 1 ? 1 : 0);
        compact.Length = length;
        while (compact.Length % 4 != 0)
        {
            compact.Append('=');
        }

        var buffer = new byte[compact.Length / 4 * 3];
        return Convert.TryFromBase64String(compact.ToString(), buffer, out var written) ? buffer[..written] : null;
    }

    private static string Decode(byte[] bytes, string? charset)
    {
        var name = (charset ?? "us-ascii").Trim().Trim('"').ToLowerInvariant();
        Encoding encoding;
        if (name is "utf-8" or "utf8")
        {
            encoding = Encoding.UTF8;
        }
        else if (name is "us-ascii" or "ascii" or "iso-8859-1" or "latin1" or "latin-1" or "")
        {
            encoding = Encoding.Latin1;
        }
        else
        {
            encoding = System.Text.CodePagesEncodingProvider.Instance.GetEncoding(name) ?? TryGetEncoding(name) ?? Encoding.Latin1;
        }

        return encoding.GetString(bytes);
    }

    private static Encoding? TryGetEncoding(string name)
    {
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string DecodeEncodedWords(string header)
    {
        // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
        var joined = AdjacentEncodedWords().Replace(header, "?==?");
        return EncodedWord().Replace(joined, m =>
        {
            var charset = m.Groups[1].Value;
            var text = m.Groups[3].Value;
            byte[]? bytes = char.ToUpperInvariant(m.Groups[2].Value[0]) == 'B'
                ? TryDecodeBase64(text)
                : DecodeQuotedPrintable(text.Replace('_', ' '));
            return bytes is null ? m.Value : Decode(bytes, charset);
        });
    }

    private static string StripHtml(string html)
    {
        var text = HtmlComment().Replace(html, " ");
        text = ScriptOrStyle().Replace(text, " ");
        text = HtmlTag().Replace(text, " ");
        return WebUtility.HtmlDecode(text);
    }

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@";\s*([A-Za-z0-9_\-\*]+)\s*=\s*(?:""([^""]*)""|([^;\s""]+))")]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"<\s*(?:html|body|head|p|div|br|table|td|font|a\s|img\s|center|b|i|span)[\s/>]", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlMarker();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex HtmlComment();

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\?=\s+=\?")]
    private static partial Regex AdjacentEncodedWords();

    [GeneratedRegex(@"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")]
    private static partial Regex EncodedWord();
}
