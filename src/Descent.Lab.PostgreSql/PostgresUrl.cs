using System.Globalization;
using Npgsql;

namespace Descent.Lab.PostgreSql;

/// <summary>
/// A PostgreSQL store URL, <c>postgresql://user:password@host:port/database?sslmode=…</c> (libpq's URI form; scheme
/// <c>postgres://</c> too), as an Npgsql connection string. User, password and database are percent-decoded; the port
/// defaults to 5432, the database to the user's name; a password not in the URL comes from <c>PGPASSWORD</c> or
/// <c>~/.pgpass</c> (Npgsql reads both). Query parameters: <c>sslmode</c>, <c>connect_timeout</c> (seconds, default 5, so that
/// a server that does not answer is reported quickly) and <c>application_name</c>.
/// </summary>
public sealed class PostgresUrl
{
    private static readonly string[] Schemes = ["postgresql://", "postgres://"];
    private static readonly string[] QueryKeys = ["sslmode", "connect_timeout", "application_name"];

    private PostgresUrl(NpgsqlConnectionStringBuilder builder, string display)
    {
        Builder = builder;
        Display = display;
    }

    /// <summary>The connection settings (a fresh copy each time).</summary>
    public NpgsqlConnectionStringBuilder Builder { get; }

    /// <summary>The URL without its password, for messages.</summary>
    public string Display { get; }

    /// <summary>Whether <paramref name="store"/> is a PostgreSQL URL (as opposed to a folder holding a SQLite store).</summary>
    public static bool IsUrl(string store) =>
        store is not null && Schemes.Any(s => store.StartsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses <paramref name="url"/>; <see cref="FormatException"/> naming the part that is wrong.</summary>
    public static PostgresUrl Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var scheme = Schemes.FirstOrDefault(s => url.StartsWith(s, StringComparison.OrdinalIgnoreCase))
                     ?? throw new FormatException($"store URL '{url}' must start with postgresql:// (or postgres://)");
        var rest = url[scheme.Length..];
        var query = string.Empty;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var database = slash < 0 ? string.Empty : Uri.UnescapeDataString(rest[(slash + 1)..]);
        var at = authority.LastIndexOf('@');
        var userInfo = at < 0 ? string.Empty : authority[..at];
        var hostPort = at < 0 ? authority : authority[(at + 1)..];
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
        var password = colon < 0 ? null : Uri.UnescapeDataString(userInfo[(colon + 1)..]);

        string host;
        var port = 5432;
        string? portText;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"store URL '{Redact(url, password)}': the IPv6 host '{hostPort}' lacks its closing ']'");
            }

            host = hostPort[1..close];
            portText = hostPort.Length > close + 1 && hostPort[close + 1] == ':' ? hostPort[(close + 2)..] : null;
        }
        else
        {
            var c = hostPort.LastIndexOf(':');
            host = c < 0 ? hostPort : hostPort[..c];
            portText = c < 0 ? null : hostPort[(c + 1)..];
        }

        if (host.Length == 0)
        {
            throw new FormatException($"store URL '{Redact(url, password)}' names no host; expected postgresql://user@host:port/database");
        }

        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new FormatException($"store URL '{Redact(url, password)}': port '{portText}' must be a number in [1, 65535]");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = port,
            Database = database.Length > 0 ? database : user.Length > 0 ? user : null,
            Username = user.Length > 0 ? user : null,
            Password = password,
            Timeout = 5,
            Pooling = false,
        };
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key)
            {
                case "sslmode":
                    builder.SslMode = Enum.TryParse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode)
                        ? mode
                        : throw new FormatException($"store URL: sslmode '{value}' must be one of disable, allow, prefer, require, verify-ca, verify-full");
                    break;
                case "connect_timeout":
                    builder.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t is >= 1 and <= 1024
                        ? t
                        : throw new FormatException($"store URL: connect_timeout '{value}' must be a whole number of seconds in [1, 1024]");
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                default:
                    throw new FormatException($"store URL: unknown parameter '{key}'; expected one of {string.Join(", ", QueryKeys)}");
            }
        }

        var display = $"postgresql://{(user.Length > 0 ? Uri.EscapeDataString(user) + "@" : "")}{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}/{builder.Database}";
        return new PostgresUrl(builder, display);
    }

    private static string Redact(string url, string? password) =>
        string.IsNullOrEmpty(password) ? url : url.Replace(":" + password + "@", ":***@", StringComparison.Ordinal);
}
