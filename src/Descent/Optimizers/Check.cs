using System.Globalization;

namespace Descent.Optimizers;

/// <summary>Validation helpers for hyperparameters: each throws with the name, the value and the valid range.</summary>
internal static class Check
{
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

    /// <summary>Value in [0, 1).</summary>
    public static double UnitHalfOpen(double value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1), got {Fmt(value)}");
        }

        return value;
    }

    /// <summary>Value in [0, 1].</summary>
    public static double UnitClosed(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1], got {Fmt(value)}");
        }

        return value;
    }

    /// <summary>Value in [low, high].</summary>
    public static double InRange(double value, double low, double high, string name)
    {
        if (!(value >= low && value <= high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{Fmt(low)}, {Fmt(high)}], got {Fmt(value)}");
        }

        return value;
    }

    public static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
