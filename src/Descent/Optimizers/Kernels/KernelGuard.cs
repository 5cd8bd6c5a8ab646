namespace Descent.Optimizers.Kernels;

/// <summary>Argument checks shared by the kernels' public entry points.</summary>
internal static class KernelGuard
{
    /// <summary>Throws unless <paramref name="actual"/> equals the parameter's length.</summary>
    public static void SameLength(int expected, int actual, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException(
                $"{name} has {actual} elements but the parameter has {expected}", name);
        }
    }
}
