using System.Globalization;
using Descent.Numerics;

namespace Descent;

/// <summary>
/// The one thread setting of Descent: how many threads (the calling thread included) matrix products and the
/// parallel element-wise and optimizer kernels use. Defaults to the environment variable <c>DESCENT_THREADS</c> when it
/// is set, otherwise to the number of processors. Descent runs on the CPU only.
/// </summary>
/// <remarks>
/// <para>Results do not depend on the setting: every output element is computed by one thread in a fixed order.</para>
/// <para><see cref="Gemm.MaxWorkers"/> and <see cref="ParallelRange.MaxWorkers"/> override it for one kind of work
/// (the lab runs element-wise kernels single-threaded while it runs several experiments at once); setting
/// <see cref="Max"/> clears those overrides.</para>
/// <para>An invalid <c>DESCENT_THREADS</c> (not an integer from 1 to <see cref="Limit"/>) raises an
/// <see cref="InvalidOperationException"/> naming the variable, its value and the valid range the first time the
/// setting is read.</para>
/// </remarks>
/// <example><c>Threads.Max = 4;</c> or <c>DESCENT_THREADS=4 dotnet run</c></example>
public static class Threads
{
    /// <summary>The environment variable read for the default.</summary>
    public const string EnvironmentVariable = "DESCENT_THREADS";

    /// <summary>The largest accepted value.</summary>
    public const int Limit = 1024;

    private static int max;

    /// <summary>Most threads one operation uses (1 to <see cref="Limit"/>; more than the processors are not used).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Setting a value outside [1, <see cref="Limit"/>].</exception>
    /// <exception cref="InvalidOperationException">Reading the default when <c>DESCENT_THREADS</c> is invalid.</exception>
    public static int Max
    {
        get
        {
            var m = Volatile.Read(ref max);
            if (m == 0)
            {
                m = FromEnvironment(Environment.GetEnvironmentVariable(EnvironmentVariable));
                Volatile.Write(ref max, m);
            }

            return m;
        }

        set
        {
            if (value is < 1 or > Limit)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Threads.Max must be from 1 to {Limit}");
            }

            Volatile.Write(ref max, value);
            Gemm.Workers.Clear();
            ParallelRange.Workers.Clear();
        }
    }

    /// <summary>The default for a value of <c>DESCENT_THREADS</c>: the processor count when null or blank.</summary>
    internal static int FromEnvironment(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Math.Clamp(Environment.ProcessorCount, 1, Limit);
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= Limit
            ? n
            : throw new InvalidOperationException(
                $"the environment variable {EnvironmentVariable} is '{Printable.Escape(value)}': expected an integer from 1 to {Limit} " +
                $"(the threads Descent uses), or unset for the number of processors ({Environment.ProcessorCount})");
    }
}
