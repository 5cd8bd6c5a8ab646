namespace Descent;

/// <summary>Thrown when two tensors' shapes are incompatible for an operation; names the operation and
/// both shapes.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    public ShapeMismatchException(string operation, ReadOnlySpan<int> left, ReadOnlySpan<int> right, string? detail = null)
        : base($"{operation}: shapes {ShapeUtil.Format(left)} and {ShapeUtil.Format(right)} are incompatible" +
               (detail is null ? string.Empty : $" ({detail})"))
    {
        Operation = operation;
        LeftShape = left.ToArray();
        RightShape = right.ToArray();
    }

    /// <summary>The operation that failed (e.g. "MatMul").</summary>
    public string Operation { get; }

    /// <summary>Shape of the first operand.</summary>
    public IReadOnlyList<int> LeftShape { get; }

    /// <summary>Shape of the second operand.</summary>
    public IReadOnlyList<int> RightShape { get; }
}
