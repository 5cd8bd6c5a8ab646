namespace Descent;

/// <summary>Shape arithmetic and the error messages that name both shapes.</summary>
internal static class ShapeUtil
{
    public static int[] Validate(ReadOnlySpan<int> shape)
    {
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"shape {Format(shape)} has a negative dimension", nameof(shape));
            }
        }

        return shape.ToArray();
    }

    public static int Count(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
            if (n > Array.MaxLength)
            {
                throw new ArgumentException($"shape {Format(shape)} has more than {Array.MaxLength} elements", nameof(shape));
            }
        }

        return (int)n;
    }

    public static string Format(ReadOnlySpan<int> shape)
    {
        if (shape.Length == 0)
        {
            return "[]";
        }

        return "[" + string.Join(", ", shape.ToArray()) + "]";
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    public static void CheckSameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string operation)
    {
        if (!a.SequenceEqual(b))
        {
            throw new ShapeMismatchException(operation, a, b);
        }
    }

    public static int NormalizeAxis(int axis, int rank)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"axis must be in [{-rank}, {rank - 1}] for a {rank}-D tensor");
        }

        return a;
    }
}
