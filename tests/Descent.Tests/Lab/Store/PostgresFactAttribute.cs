namespace Descent.Tests.Lab.Store;

/// <summary>A fact that needs a PostgreSQL server: skipped, with the reason, unless <c>DESCENT_TEST_POSTGRES</c> names one
/// (<c>.ci/postgres-check</c> starts a throwaway server and sets it).</summary>
internal sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (StoreBackend.PostgresUrl is null)
        {
            Skip = $"no PostgreSQL server: set {StoreBackend.Variable}=postgresql://user@host:port/database (.ci/postgres-check does) to run the PostgreSQL rows of the run-store contract";
        }
    }
}
