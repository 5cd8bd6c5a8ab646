using Descent.Lab.PostgreSql;
using Npgsql;

namespace Descent.Tests.Lab.PostgreSql;

/// <summary>Issue 19: store URLs (libpq's URI form) become Npgsql connection settings; a malformed one is refused naming its
/// wrong part, and messages never show the password.</summary>
public sealed class PostgresUrlTests
{
    [Fact]
    public void EveryPartIsRead()
    {
        var url = PostgresUrl.Parse("postgresql://lab%20user:s%3Acret@db.example:6543/sweeps?sslmode=require&connect_timeout=9&application_name=w1");
        var b = url.Builder;
        Assert.Equal(("db.example", 6543, "sweeps", "lab user", "s:cret"), (b.Host, b.Port, b.Database, b.Username, b.Password));
        Assert.Equal((SslMode.Require, 9, "w1"), (b.SslMode, b.Timeout, b.ApplicationName));
        Assert.Equal("postgresql://lab%20user@db.example:6543/sweeps", url.Display);
        Assert.DoesNotContain("cret", url.Display, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultsArePort5432TheUsersDatabaseAndAShortTimeout()
    {
        var b = PostgresUrl.Parse("postgres://worker@[::1]").Builder;
        Assert.Equal(("::1", 5432, "worker", "worker", 5), (b.Host, b.Port, b.Database, b.Username, b.Timeout));
        Assert.True(PostgresUrl.IsUrl("POSTGRESQL://h/db"));
        Assert.False(PostgresUrl.IsUrl("runs/folder"));
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void AMalformedUrlIsRefusedNamingThePart(string url, string fragment)
    {
        var e = Assert.Throws<FormatException>(() => PostgresUrl.Parse(url));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(":pw@", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AServerThatDoesNotAnswerIsAClearErrorBeforeAnythingElse()
    {
        var e = Assert.Throws<IOException>(() => PostgresRunStore.Open("postgresql://nobody:pw@127.0.0.1:1/none", "x"));
        Assert.Contains("run store 'postgresql://nobody@127.0.0.1:1/none' does not answer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExperimentNamesBecomeSchemaNames()
    {
        Assert.Equal("descent_sgd_vs_adam_v2", PostgresRunStore.SchemaName("SGD vs Adam-v2"));
        Assert.Equal(63, PostgresRunStore.SchemaName(new string('x', 100)).Length);
        Assert.Throws<ArgumentException>(() => PostgresRunStore.SchemaName(" "));
    }

    /// <summary>Malformed URLs and the part each message names.</summary>
    public static TheoryData<string, string> Malformed() => new()
    {
        { "mysql://h/db", "must start with postgresql://" },
        { "postgresql://u:pw@h:99999/db", "port '99999'" },
        { "postgresql://u@/db", "names no host" },
        { "postgresql://h/db?sslmode=sometimes", "sslmode 'sometimes'" },
        { "postgresql://h/db?connect_timeout=0", "connect_timeout '0'" },
        { "postgresql://h/db?pool=1", "unknown parameter 'pool'" },
        { "postgresql://u:pw@[::1:5432/db", "closing ']'" },
    };
}
