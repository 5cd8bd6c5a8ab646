namespace Descent.Numerics;

/// <summary>A unit of data-parallel work over an index range; implemented by reusable job objects so
/// that running them allocates nothing.</summary>
public interface IRangeJob
{
    /// <summary>Processes the elements in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    void Execute(int start, int end);
}
