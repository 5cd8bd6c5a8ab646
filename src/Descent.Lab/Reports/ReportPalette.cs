using Descent.Lab.Specs;

namespace Descent.Lab.Reports;

/// <summary>
/// The colour of each optimizer entry in a report, shared by the charts and the HTML tables so that a row's dot
/// and its curve match: the entry's index in the spec picks one of eight colours (matplotlib's "tab10" order,
/// without grey and olive), cycling after eight.
/// </summary>
internal static class ReportPalette
{
    private static readonly string[] Hex = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    /// <summary>The <c>#rrggbb</c> colour of the optimizer entry labelled <paramref name="label"/> in
    /// <paramref name="spec"/> (the first colour when the label is not in the spec).</summary>
    public static string HexOf(ExperimentSpec spec, string label)
    {
        var i = spec.Optimizers.Select(o => o.Label).ToList().IndexOf(label);
        return Hex[Math.Max(0, i) % Hex.Length];
    }
}
