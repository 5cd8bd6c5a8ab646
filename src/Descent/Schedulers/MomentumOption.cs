using System.Reflection;
using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Reads and replaces an optimizer's momentum-like option generically: a <c>double Momentum</c> property
/// (SGD, RMSprop; PyTorch: <c>momentum</c>) or else a <c>double Beta1</c> property (the Adam family; PyTorch:
/// the first of <c>betas</c>). Replacement is the options record's <c>with</c>: a copy through the record's
/// clone method with the one property set, validated by the property itself and the group.
/// </summary>
internal static class MomentumOption
{
    /// <summary>The momentum-like property of <paramref name="options"/>, or null when it has none.</summary>
    public static PropertyInfo? Find(OptimizerOptions options)
    {
        var type = options.GetType();
        foreach (var name in (string[])["Momentum", "Beta1"])
        {
            var p = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            if (p is not null && p.PropertyType == typeof(double) && p.CanRead && p.SetMethod is not null)
            {
                return p;
            }
        }

        return null;
    }

    public static double Get(ParameterGroup group, PropertyInfo property) => (double)property.GetValue(group.BaseOptions)!;

    /// <summary>Sets the property on a copy of the group's options (<c>options with { Momentum = value }</c>).</summary>
    public static void Set(ParameterGroup group, PropertyInfo property, double value)
    {
        var options = group.BaseOptions;
        var clone = options.GetType().GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"{options.GetType().Name} is not a record; cannot copy it with a new {property.Name}");
        var copy = (OptimizerOptions)clone.Invoke(options, null)!;
        try
        {
            property.SetValue(copy, value);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }

        group.BaseOptions = copy;
    }
}
