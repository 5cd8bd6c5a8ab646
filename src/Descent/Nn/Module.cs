namespace Descent.Nn;

/// <summary>
/// Base class of layers and models. A module owns named parameters, named buffers (non-trained state such
/// as running statistics) and named child modules; names compose with dots exactly like PyTorch's
/// <c>state_dict</c> (<c>0.weight</c>, <c>encoder.layer.1.attention.bias</c>).
/// </summary>
public abstract partial class Module
{
    private readonly List<KeyValuePair<string, Parameter?>> parameters = [];
    private readonly List<KeyValuePair<string, Tensor?>> buffers = [];
    private readonly List<KeyValuePair<string, Module>> children = [];

    /// <summary>True in training mode (the default), false in evaluation mode.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Runs the module.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Sets training (or evaluation) mode on this module and every descendant.</summary>
    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, child) in children)
        {
            child.Train(training);
        }

        return this;
    }

    /// <summary>Sets evaluation mode on this module and every descendant.</summary>
    public Module Eval() => Train(false);

    /// <summary>Every parameter with its dotted name, in registration order, depth first.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters() => Named(static m => m.parameters);

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers() => Named(static m => m.buffers);

    /// <summary>The direct children with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => children.Select(c => (c.Key, c.Value));

    /// <summary>This module and every descendant with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        yield return (string.Empty, this);
        foreach (var (childName, child) in children)
        {
            foreach (var (name, m) in child.NamedModules())
            {
                yield return (name.Length == 0 ? childName : $"{childName}.{name}", m);
            }
        }
    }

    /// <summary>Parameters and buffers by state_dict name (the tensors themselves, not copies).</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, p) in NamedParameters())
        {
            dict[name] = p;
        }

        foreach (var (name, b) in NamedBuffers())
        {
            dict[name] = b;
        }

        return dict;
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            p.ZeroGrad(setToNone);
        }
    }

    /// <summary>Total number of parameter elements.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Length);

    /// <summary>Number of parameter elements that require gradients (what an optimizer trains).</summary>
    public long TrainableParameterCount() => Parameters().Where(p => p.RequiresGrad).Sum(p => (long)p.Length);

    /// <summary>Registers a parameter under <paramref name="name"/> (null reserves the name, e.g. no bias).</summary>
    protected Parameter? RegisterParameter(string name, Parameter? parameter)
    {
        CheckName(name);
        parameters.Add(new(name, parameter));
        return parameter;
    }

    /// <summary>Replaces a registered parameter (e.g. a new head), keeping its name and position.</summary>
    protected void ReplaceParameter(string name, Parameter? parameter)
    {
        var i = parameters.FindIndex(p => p.Key == name);
        if (i < 0)
        {
            throw new ArgumentException($"no parameter named '{name}' in {GetType().Name}", nameof(name));
        }

        parameters[i] = new(name, parameter);
    }

    /// <summary>Registers a buffer (state saved in the state_dict but not trained).</summary>
    protected Tensor? RegisterBuffer(string name, Tensor? buffer)
    {
        CheckName(name);
        buffers.Add(new(name, buffer));
        return buffer;
    }

    /// <summary>Registers a child module.</summary>
    protected T RegisterModule<T>(string name, T module)
        where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        children.Add(new(name, module));
        return module;
    }

    /// <summary>Replaces a registered child module, keeping its name and position.</summary>
    protected void ReplaceModule(string name, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var i = children.FindIndex(c => c.Key == name);
        if (i < 0)
        {
            throw new ArgumentException($"no child module named '{name}' in {GetType().Name}", nameof(name));
        }

        children[i] = new(name, module);
    }

    /// <summary>Removes a registered child module (e.g. an adapter being unloaded).</summary>
    protected void RemoveModule(string name)
    {
        if (children.RemoveAll(c => c.Key == name) == 0)
        {
            throw new ArgumentException($"no child module named '{name}' in {GetType().Name}", nameof(name));
        }
    }

    private void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"a module member name cannot contain '.': '{name}'", nameof(name));
        }

        if (parameters.Any(p => p.Key == name) || buffers.Any(b => b.Key == name) || children.Any(c => c.Key == name))
        {
            throw new ArgumentException($"'{name}' is already registered in {GetType().Name}", nameof(name));
        }
    }

    /// <summary>The registered (non-null) entries of one registry of this module, then those of every descendant
    /// with their dotted names, in registration order, depth first.</summary>
    private IEnumerable<(string Name, T Value)> Named<T>(Func<Module, List<KeyValuePair<string, T?>>> registry)
        where T : class
    {
        foreach (var (name, value) in registry(this))
        {
            if (value is not null)
            {
                yield return (name, value);
            }
        }

        foreach (var (childName, child) in children)
        {
            foreach (var (name, value) in child.Named(registry))
            {
                yield return ($"{childName}.{name}", value);
            }
        }
    }
}
