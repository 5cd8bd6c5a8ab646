using System.Globalization;

namespace Descent.Cli;

/// <summary>How the command line shows a duration (elapsed time, ETA): <c>mm:ss</c> under an hour,
/// <c>h:mm:ss</c> under a day, and with the days from 24 hours on (<c>3d 04:05:06</c>).</summary>
public static class DurationText
{
    /// <summary>The text of <paramref name="t"/> (negative durations count as zero).</summary>
    public static string Format(TimeSpan t)
    {
        if (t < TimeSpan.Zero)
        {
            t = TimeSpan.Zero;
        }

        return t.TotalDays >= 1 ? t.ToString(@"d\d\ hh\:mm\:ss", CultureInfo.InvariantCulture)
            : t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : t.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
    }
}
