using System.Globalization;
using System.Text;

namespace Descent.Lab.Specs;

/// <summary>
/// One value of an optimizer or schedule hyperparameter as written in an experiment spec: a number
/// (<c>lr</c>), a boolean (<c>nesterov</c>), a string (<c>momentum_form</c>) or a tuple of numbers
/// (<c>betas</c>). Values print canonically (invariant culture, shortest round-trip form), so a
/// configuration's key is the same on every machine.
/// </summary>
public sealed record HyperparameterValue
{
    private HyperparameterValue(double? number, bool? boolean, string? text, IReadOnlyList<double>? tuple)
    {
        Number = number;
        Boolean = boolean;
        Text = text;
        Tuple = tuple;
    }

    /// <summary>The number, when this value is a number.</summary>
    public double? Number { get; }

    /// <summary>The boolean, when this value is a boolean.</summary>
    public bool? Boolean { get; }

    /// <summary>The text, when this value is a string.</summary>
    public string? Text { get; }

    /// <summary>The numbers, when this value is a tuple (e.g. <c>betas</c>).</summary>
    public IReadOnlyList<double>? Tuple { get; }

    /// <summary>A number.</summary>
    public static HyperparameterValue FromNumber(double value) => new(value, null, null, null);

    /// <summary>A boolean.</summary>
    public static HyperparameterValue FromBoolean(bool value) => new(null, value, null, null);

    /// <summary>A string.</summary>
    public static HyperparameterValue FromText(string value) => new(null, null, value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>A tuple of numbers.</summary>
    public static HyperparameterValue FromTuple(IReadOnlyList<double> values) =>
        new(null, null, null, (values ?? throw new ArgumentNullException(nameof(values))).ToArray());

    /// <summary>Formats a number canonically ("0.001", "1E-05", "0.9").</summary>
    public static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(HyperparameterValue? other) =>
        other is not null && ToString() == other.ToString();

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>The canonical text: <c>0.001</c>, <c>true</c>, <c>sutskever</c>, <c>(0.9,0.999)</c>.</summary>
    public override string ToString()
    {
        if (Number is { } n)
        {
            return FormatNumber(n);
        }

        if (Boolean is { } b)
        {
            return b ? "true" : "false";
        }

        if (Text is not null)
        {
            return Text;
        }

        var sb = new StringBuilder("(");
        for (var i = 0; i < Tuple!.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(FormatNumber(Tuple[i]));
        }

        return sb.Append(')').ToString();
    }
}
