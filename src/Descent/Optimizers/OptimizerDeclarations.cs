using System.Globalization;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// Reads optimizers' own declarations (<see cref="OptimizerAttribute"/> on the class,
/// <see cref="HyperparameterAttribute"/> on its options' properties) into <see cref="OptimizerDescriptor"/>s
/// with a factory that sets the options by name: numbers, integers (<c>int</c>), flags (<c>bool</c>) and choices
/// (enums whose members carry their spec names); a nullable option stays at its default unless given.
/// </summary>
internal static class OptimizerDeclarations
{
    /// <summary>The flag that selects <see cref="OptimizerAttribute.DecoupledVariant"/>.</summary>
    public const string DecoupledFlag = "decoupled_weight_decay";

    /// <summary>Every optimizer declared in <paramref name="assembly"/>.</summary>
    public static IEnumerable<OptimizerDescriptor> In(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Optimizer).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .SelectMany(Of);

    /// <summary>The descriptors <paramref name="optimizerType"/> declares (one per <see cref="OptimizerAttribute"/>).</summary>
    public static IEnumerable<OptimizerDescriptor> Of(Type optimizerType)
    {
        foreach (var a in optimizerType.GetCustomAttributes<OptimizerAttribute>(inherit: false))
        {
            var infos = Properties(OptionsType(optimizerType)).Select(x => x.Info).ToList();
            if (a.DecoupledVariant is not null)
            {
                infos.Add(new HyperparameterInfo(DecoupledFlag, HyperparameterKind.Flag, "false", [], null));
            }

            var type = optimizerType;
            var variant = a.DecoupledVariant;
            var factory = a.Factory;
            var named = a.NamedFactory;
            yield return new OptimizerDescriptor(a.Name, a.Summary, infos, (ps, h) =>
                variant is not null && h.Flag(DecoupledFlag, false) ? Build(variant, ps, h, Defaults(type)) : Build(type, ps, h, null, factory))
            {
                NamedFactory = named is null ? null : (ps, h) =>
                    Call(type, named, typeof(IEnumerable<(string Name, Parameter Parameter)>), ps, Options(type, h, null)),
            };
        }
    }

    /// <summary>The options type of an <see cref="Optimizer{TOptions, TState}"/>.</summary>
    private static Type OptionsType(Type optimizerType)
    {
        for (var t = optimizerType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Optimizer<,>))
            {
                return t.GetGenericArguments()[0];
            }
        }

        throw new InvalidOperationException($"{optimizerType.Name} does not derive from Optimizer<TOptions, TState>");
    }

    private static OptimizerOptions Defaults(Type optimizerType) => (OptimizerOptions)Activator.CreateInstance(OptionsType(optimizerType))!;

    /// <summary>The declared properties, base class first, each class in declaration order.</summary>
    private static List<(HyperparameterInfo Info, PropertyInfo Property)> Properties(Type optionsType)
    {
        var chain = new List<Type>();
        for (var t = optionsType; t is not null && t != typeof(object); t = t.BaseType)
        {
            chain.Insert(0, t);
        }

        var defaults = Activator.CreateInstance(optionsType)!;
        var list = new List<(HyperparameterInfo, PropertyInfo)>();
        foreach (var t in chain)
        {
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).OrderBy(p => p.MetadataToken))
            {
                if (p.GetCustomAttribute<HyperparameterAttribute>() is { } h)
                {
                    var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
                    var kind = type == typeof(bool) ? HyperparameterKind.Flag
                        : type == typeof(int) ? HyperparameterKind.Integer
                        : type.IsEnum ? HyperparameterKind.Choice
                        : HyperparameterKind.Number;
                    var choices = type.IsEnum ? Enum.GetNames(type).Select(n => ChoiceName(type, n)).ToList() : [];
                    list.Add((new HyperparameterInfo(h.Name, kind, Text(p.GetValue(defaults)), choices, h.Tuple), p));
                }
            }
        }

        return list;
    }

    private static string ChoiceName(Type enumType, string member) =>
        enumType.GetField(member)!.GetCustomAttribute<HyperparameterAttribute>()?.Name ?? member.ToLowerInvariant();

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        Enum e => ChoiceName(e.GetType(), e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>Builds <paramref name="optimizerType"/> with the values given; the rest from
    /// <paramref name="defaults"/> where it declares the same name, else the options' own defaults.</summary>
    private static Optimizer Build(Type optimizerType, IEnumerable<Parameter> parameters, Hyperparameters h, OptimizerOptions? defaults,
        string? factory = null)
    {
        var options = Options(optimizerType, h, defaults);
        if (factory is not null)
        {
            return Call(optimizerType, factory, typeof(IEnumerable<Parameter>), parameters, options);
        }

        var ctor = optimizerType.GetConstructor([typeof(IEnumerable<Parameter>), options.GetType()])
            ?? throw new InvalidOperationException($"{optimizerType.Name} has no constructor (IEnumerable<Parameter>, {options.GetType().Name})");
        return Invoke(() => (Optimizer)ctor.Invoke([parameters, options]));
    }

    /// <summary>The options of <paramref name="optimizerType"/> with the values given; the rest from
    /// <paramref name="defaults"/> where it declares the same name, else the options' own defaults.</summary>
    private static OptimizerOptions Options(Type optimizerType, Hyperparameters h, OptimizerOptions? defaults)
    {
        var optionsType = OptionsType(optimizerType);
        var options = Activator.CreateInstance(optionsType)!;
        var fallback = defaults is null ? null : Properties(defaults.GetType()).ToDictionary(x => x.Info.Name, x => x.Property, StringComparer.Ordinal);
        foreach (var (info, property) in Properties(optionsType))
        {
            if (h.Contains(info.Name))
            {
                Invoke(() => property.SetValue(options, Read(info, property, h)));
            }
            else if (fallback is not null && fallback.TryGetValue(info.Name, out var from))
            {
                Invoke(() => property.SetValue(options, from.GetValue(defaults)));
            }
        }

        return (OptimizerOptions)options;
    }

    /// <summary>Calls the declared static factory <paramref name="factory"/> of <paramref name="optimizerType"/>, which takes
    /// <paramref name="parameters"/> as a <paramref name="parametersType"/> and the options.</summary>
    private static Optimizer Call(Type optimizerType, string factory, Type parametersType, object parameters, OptimizerOptions options)
    {
        var method = optimizerType.GetMethod(factory, BindingFlags.Public | BindingFlags.Static, [parametersType, options.GetType()]);
        if (method is null || !typeof(Optimizer).IsAssignableFrom(method.ReturnType))
        {
            throw new InvalidOperationException(
                $"{optimizerType.Name} has no public static Optimizer {factory}({parametersType.Name}, {options.GetType().Name})");
        }

        return Invoke(() => (Optimizer)method.Invoke(null, [parameters, options])!);
    }

    private static object Read(HyperparameterInfo info, PropertyInfo property, Hyperparameters h)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return info.Kind switch
        {
            HyperparameterKind.Flag => h.Flag(info.Name, false),
            HyperparameterKind.Integer => h.Integer(info.Name, 0),
            HyperparameterKind.Choice => Enum.Parse(type, Enum.GetNames(type).First(n => ChoiceName(type, n) == h.Choice(info.Name))),
            _ => h.Number(info.Name, 0),
        };
    }

    /// <summary>Runs a reflective call, rethrowing what the options or the constructor threw (their range and
    /// consistency errors) instead of the reflection wrapper.</summary>
    private static T Invoke<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static void Invoke(Action call) => Invoke(() =>
    {
        call();
        return 0;
    });
}
