namespace Descent.Lab.Store;

/// <summary>A run store written with another schema version than this build's (<see cref="SqlRunStore.SchemaVersion"/>):
/// refused before anything is written to it.</summary>
public sealed class RunStoreVersionException : IOException
{
    /// <summary>Creates the error for the store at <paramref name="location"/>.</summary>
    public RunStoreVersionException(string location, int found, int expected)
        : base($"run store '{location}' has schema version {found}, but this Descent reads and writes version {expected}; " +
               (found > expected
                   ? "it was written by a newer Descent: upgrade this one"
                   : "use a new store (another output folder or PostgreSQL experiment)") + "; nothing was written to it")
    {
        Location = location;
        Found = found;
        Expected = expected;
    }

    /// <summary>The store.</summary>
    public string Location { get; }

    /// <summary>The version found in the store.</summary>
    public int Found { get; }

    /// <summary>The version this build reads and writes.</summary>
    public int Expected { get; }
}
