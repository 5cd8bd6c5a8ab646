namespace Descent.Data;

/// <summary>
/// The folder where <c>descent data install</c> puts downloaded data and weights: <see cref="EnvironmentVariable"/> when
/// set, else <c>descent</c> in the user's local application data folder (<c>~/.local/share/descent</c> on Linux,
/// <c>%LOCALAPPDATA%\descent</c> on Windows).
/// </summary>
public static class DataDirectory
{
    /// <summary>Environment variable overriding the data folder.</summary>
    public const string EnvironmentVariable = "DESCENT_DATA_DIR";

    /// <summary>The data folder (not necessarily existing).</summary>
    public static string Root
    {
        get
        {
            var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(env))
            {
                return Path.GetFullPath(env);
            }

            var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(local))
            {
                local = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }

            return Path.Combine(local, "descent");
        }
    }

    /// <summary>The folder of one dataset or model under <see cref="Root"/>.</summary>
    public static string For(string name) => Path.Combine(Root, name);
}
