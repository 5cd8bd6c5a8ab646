using System.Globalization;
using System.Text;

namespace Descent.Nn;

public abstract partial class Module
{
    /// <summary>
    /// The module as a tree, like printing a PyTorch module: every child as <c>(name): Type(settings)</c>, each module's own
    /// parameters with their shapes and count, and after the root the total and trainable parameter counts, e.g.
    /// <code>
    /// Sequential(
    ///   (0): Linear(in_features=4, out_features=16, bias=True)  weight [16, 4], bias [16]: 80 parameters
    ///   (1): Relu()
    ///   (2): Linear(in_features=16, out_features=3, bias=True)  weight [3, 16], bias [3]: 51 parameters
    /// )
    /// Parameters: 131 (trainable 131)
    /// </code>
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendTree(sb, string.Empty);
        return sb.AppendLine().Append(CultureInfo.InvariantCulture,
            $"Parameters: {ParameterCount():N0} (trainable {TrainableParameterCount():N0})").ToString();
    }

    /// <summary>
    /// A table of the modules a sample of shape <paramref name="inputShape"/> (batch dimension included, e.g. [1, 4])
    /// passes through, with each one's output shape and parameter count: the children of a <see cref="Sequential"/> (at
    /// any depth) one by one, any other module as a whole. Runs the module once on zeros, in evaluation mode without
    /// recording.
    /// </summary>
    public string Summary(params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        var rows = new List<(string Name, string Type, string Shape, long Count)>();
        var output = InEvaluation(() => Summarize(this, string.Empty, Tensor.Zeros(inputShape), rows));
        var nameWidth = Math.Max(5, rows.Max(r => r.Name.Length));
        var typeWidth = Math.Max(4, rows.Max(r => r.Type.Length));
        var shapeWidth = Math.Max(12, rows.Max(r => r.Shape.Length));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{"Layer".PadRight(nameWidth)}  {"Type".PadRight(typeWidth)}  {"Output shape".PadRight(shapeWidth)}  Parameters");
        foreach (var (name, type, shape, count) in rows)
        {
            sb.AppendLine().Append(CultureInfo.InvariantCulture, $"{name.PadRight(nameWidth)}  {type.PadRight(typeWidth)}  {shape.PadRight(shapeWidth)}  {count,10:N0}");
        }

        return sb.AppendLine().Append(CultureInfo.InvariantCulture,
            $"Input {ShapeUtil.Format(inputShape)}, output {ShapeUtil.Format(output.Shape)}; parameters {ParameterCount():N0} " +
            $"(trainable {TrainableParameterCount():N0})").ToString();
    }

    /// <summary>The settings shown in <see cref="ToString"/> between the parentheses after the type name, as PyTorch's
    /// <c>extra_repr</c> (e.g. <c>in_features=4, out_features=16, bias=True</c>); empty by default.</summary>
    protected virtual string ExtraRepresentation() => string.Empty;

    /// <summary>Runs <paramref name="module"/> on <paramref name="input"/>, adding a row for it or — for a
    /// <see cref="Sequential"/> — for each of its children; returns the output.</summary>
    private static Tensor Summarize(Module module, string name, Tensor input, List<(string, string, string, long)> rows)
    {
        if (module is not Sequential)
        {
            var output = module.Forward(input);
            rows.Add((name.Length == 0 ? "(model)" : name, module.GetType().Name, ShapeUtil.Format(output.Shape), module.ParameterCount()));
            return output;
        }

        var x = input;
        foreach (var (childName, child) in module.children)
        {
            x = Summarize(child, name.Length == 0 ? childName : $"{name}.{childName}", x, rows);
        }

        return x;
    }

    private void AppendTree(StringBuilder sb, string indent)
    {
        sb.Append(GetType().Name).Append('(').Append(ExtraRepresentation());
        if (children.Count == 0)
        {
            sb.Append(')');
        }

        var own = parameters.Where(p => p.Value is not null).Select(p => (p.Key, Tensor: (Tensor)p.Value!))
            .Concat(buffers.Where(b => b.Value is not null).Select(b => (b.Key, Tensor: b.Value!))).ToList();
        if (own.Count > 0)
        {
            var count = parameters.Where(p => p.Value is not null).Sum(p => (long)p.Value!.Length);
            sb.Append("  ").AppendJoin(", ", own.Select(p => $"{p.Key} {ShapeUtil.Format(p.Tensor.Shape)}"))
                .Append(CultureInfo.InvariantCulture, $": {count:N0} parameters");
        }

        if (children.Count == 0)
        {
            return;
        }

        var inner = indent + "  ";
        foreach (var (name, child) in children)
        {
            sb.AppendLine().Append(inner).Append('(').Append(name).Append("): ");
            child.AppendTree(sb, inner);
        }

        sb.AppendLine().Append(indent).Append(')');
    }
}
