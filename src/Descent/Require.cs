using System.Globalization;

namespace Descent;

/// <summary>The one set of argument checks (options, schedules, layers): each failure throws
/// <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the argument, the value and the
/// valid range.</summary>
internal static class Require
{
    public static int AtLeast(int value, int min, string name)
    {
        if (value < min)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= {min}, got {value}");
        }

        return value;
    }

    /// <summary>Integer in [min, max].</summary>
    public static int InRange(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}], got {value}");
        }

        return value;
    }

    /// <summary>A named member of <typeparamref name="TEnum"/>.</summary>
    public static TEnum Defined<TEnum>(TEnum value, string name)
        where TEnum : struct, Enum =>
        Enum.IsDefined(value) ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be one of {string.Join(", ", Enum.GetNames<TEnum>())}, got {value}");

    public static double Finite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite, got {Fmt(value)}");
        }

        return value;
    }

    public static double NonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and >= 0, got {Fmt(value)}");
        }

        return value;
    }

    public static double Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and > 0, got {Fmt(value)}");
        }

        return value;
    }

    /// <summary>Value in (low, high) (an infinite bound leaves that side open: (1, ∞) is "finite and &gt; 1").</summary>
    public static double InOpen(double value, double low, double high, string name)
    {
        if (!(value > low && value < high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in ({Fmt(low)}, {Fmt(high)}), got {Fmt(value)}");
        }

        return value;
    }

    /// <summary>Value in (low, high].</summary>
    public static double InLeftOpen(double value, double low, double high, string name)
    {
        if (!(value > low && value <= high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in ({Fmt(low)}, {Fmt(high)}], got {Fmt(value)}");
        }

        return value;
    }

    /// <summary>Value in [low, high].</summary>
    public static double InClosed(double value, double low, double high, string name)
    {
        if (!(value >= low && value <= high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{Fmt(low)}, {Fmt(high)}], got {Fmt(value)}");
        }

        return value;
    }

    /// <summary>Value in [low, high).</summary>
    public static double InRightOpen(double value, double low, double high, string name)
    {
        if (!(value >= low && value < high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{Fmt(low)}, {Fmt(high)}), got {Fmt(value)}");
        }

        return value;
    }

    /// <summary>One value per parameter group, or one value for all groups.</summary>
    public static double[] PerGroup(IReadOnlyList<double> values, int groups, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Count == 1)
        {
            return Enumerable.Repeat(values[0], groups).ToArray();
        }

        if (values.Count != groups)
        {
            throw new ArgumentException(
                $"{name} must have one value or one per parameter group ({groups}), got {values.Count} values", name);
        }

        return values.ToArray();
    }

    /// <summary>Value in [0, 1).</summary>
    public static double UnitHalfOpen(double value, string name) => InRightOpen(value, 0, 1, name);

    /// <summary>Value in [0, 1].</summary>
    public static double UnitClosed(double value, string name) => InClosed(value, 0, 1, name);

    public static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
