using System.Globalization;
using System.Text;

namespace Descent;

/// <summary>Short human-readable rendering of a tensor (shape and up to a few values).</summary>
internal static class TensorFormatter
{
    private const int MaxValues = 8;

    public static string Format(Tensor t)
    {
        var sb = new StringBuilder();
        sb.Append("Tensor").Append(ShapeUtil.Format(t.Shape)).Append(" {");
        var span = t.Span;
        var n = Math.Min(span.Length, MaxValues);
        for (var i = 0; i < n; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(span[i].ToString("G6", CultureInfo.InvariantCulture));
        }

        if (span.Length > MaxValues)
        {
            sb.Append(", …");
        }

        sb.Append('}');
        if (t.GradFn is not null)
        {
            sb.Append(" grad_fn=").Append(t.GradFn.Name);
        }
        else if (t.RequiresGrad)
        {
            sb.Append(" requires_grad");
        }

        return sb.ToString();
    }
}
