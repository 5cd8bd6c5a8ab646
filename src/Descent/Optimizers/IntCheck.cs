namespace Descent.Optimizers;

/// <summary>Validation of integer hyperparameters: throws with the name, the value and the valid range.</summary>
internal static class IntCheck
{
    public static int AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= {minimum}, got {value}");
        }

        return value;
    }
}
