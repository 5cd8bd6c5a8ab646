namespace Descent.Optimizers;

/// <summary>What values a hyperparameter takes.</summary>
public enum HyperparameterKind
{
    /// <summary>A real number.</summary>
    Number,

    /// <summary>An integer (given as a number without a fraction).</summary>
    Integer,

    /// <summary>A flag: 0 or 1 (false or true).</summary>
    Flag,

    /// <summary>One of named choices (a string such as <c>pytorch</c>).</summary>
    Choice,
}
