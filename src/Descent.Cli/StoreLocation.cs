using System.CommandLine;
using Descent.Lab.PostgreSql;
using Descent.Lab.Store;

namespace Descent.Cli;

/// <summary>
/// The <c>--store</c> option of <c>compare</c>, <c>worker</c> and <c>report</c>: a PostgreSQL URL
/// (<c>postgresql://user:password@host:port/database</c>, see <see cref="PostgresUrl"/>) or a folder holding a SQLite
/// <c>runs.db</c> (the default store of an output folder). A PostgreSQL database holds many experiments, chosen by name
/// (<c>--experiment</c>, or the spec's name for <c>compare</c>).
/// </summary>
public static class StoreLocation
{
    /// <summary>The <c>--store</c> option.</summary>
    public static Option<string?> Option(string description) => new("--store") { Description = description, HelpName = "URL|DIR" };

    /// <summary>The <c>--experiment</c> option.</summary>
    public static Option<string?> ExperimentOption() => new("--experiment")
    {
        Description = "The experiment (its spec's name) in a PostgreSQL store; default: every experiment there (worker), the only one (report).",
        HelpName = "NAME",
    };

    /// <summary>Whether <paramref name="store"/> is a PostgreSQL URL.</summary>
    public static bool IsPostgres(string store) => PostgresUrl.IsUrl(store);

    /// <summary>Opens experiment <paramref name="experiment"/> in <paramref name="store"/>; with <paramref name="mustExist"/>, a
    /// store (or experiment) that does not exist is an error instead of being created.</summary>
    public static IRunStore Open(string store, string experiment, bool mustExist)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            if (IsPostgres(store))
            {
                return PostgresRunStore.Open(store, experiment, mustExist);
            }

            return mustExist ? RunStore.OpenExisting(store) : RunStore.Open(store);
        }
        catch (FormatException e)
        {
            throw new CliException($"--store: {e.Message}", e);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException($"--store: {e.Message}", e);
        }
    }

    /// <summary>The experiments <paramref name="store"/> holds: those of a PostgreSQL database, or the one of a SQLite folder
    /// (named by the folder; its name is not needed to open it).</summary>
    public static IReadOnlyList<string> Experiments(string store)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            return IsPostgres(store) ? PostgresRunStore.Experiments(store) : [store];
        }
        catch (FormatException e)
        {
            throw new CliException($"--store: {e.Message}", e);
        }
    }

    /// <summary>The experiment to open in <paramref name="store"/>: <paramref name="experiment"/> when given, else the only one
    /// the store holds (an error naming them when it holds several or none).</summary>
    public static string Single(string store, string? experiment)
    {
        if (experiment is not null)
        {
            return experiment;
        }

        var all = Experiments(store);
        return all.Count switch
        {
            1 => all[0],
            0 => throw new CliException($"--store: '{Display(store)}' holds no experiment; run 'descent compare SPEC --store …' first"),
            _ => throw new CliException($"--store: '{Display(store)}' holds {all.Count} experiments ({string.Join(", ", all)}); choose one with --experiment"),
        };
    }

    /// <summary><paramref name="store"/> without a password, for messages.</summary>
    public static string Display(string store) => IsPostgres(store) ? SafeDisplay(store) : store;

    private static string SafeDisplay(string url)
    {
        try
        {
            return PostgresUrl.Parse(url).Display;
        }
        catch (FormatException)
        {
            return "postgresql://…";
        }
    }
}
