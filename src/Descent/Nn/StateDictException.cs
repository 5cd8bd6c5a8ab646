namespace Descent.Nn;

/// <summary>Thrown by a strict <see cref="Module.LoadStateDict"/> when keys are missing, unexpected or
/// mis-shaped; nothing was loaded. <see cref="Result"/> lists them.</summary>
public sealed class StateDictException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="module"/>'s failed load.</summary>
    public StateDictException(string module, LoadStateDictResult result)
        : base($"Error(s) in loading state_dict for {module}: {result?.Describe()}")
    {
        ArgumentNullException.ThrowIfNull(result);
        Result = result;
    }

    /// <summary>The keys that did not match.</summary>
    public LoadStateDictResult Result { get; }
}
