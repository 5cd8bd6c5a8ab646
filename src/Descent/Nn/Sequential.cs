using System.Globalization;

namespace Descent.Nn;

/// <summary>Runs its modules in order; they are named "0", "1", … as in PyTorch's nn.Sequential.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> layers = [];

    /// <summary>Creates a sequence of modules.</summary>
    public Sequential(params IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules)
        {
            Add(m);
        }
    }

    /// <summary>Number of modules.</summary>
    public int Count => layers.Count;

    /// <summary>The module at <paramref name="index"/>.</summary>
    public Module this[int index] => layers[index];

    /// <summary>Appends a module (named by its position).</summary>
    public Sequential Add(Module module)
    {
        RegisterModule(layers.Count.ToString(CultureInfo.InvariantCulture), module);
        layers.Add(module);
        return this;
    }

    /// <summary>Replaces the module at <paramref name="index"/> (e.g. a new classification head).</summary>
    public void Replace(int index, Module module)
    {
        ReplaceModule(index.ToString(CultureInfo.InvariantCulture), module);
        layers[index] = module;
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            x = layer.Forward(x);
        }

        return x;
    }
}
