using System.Net;
using System.Text;
using Descent.Lab.Analysis;

namespace Descent.Lab.Reports;

/// <summary>
/// Writes the overview of a set of experiments (a preset): <c>report.html</c> with each experiment's verdict
/// and main charts (embedded) linking to its own report, and <c>summary.json</c> holding every summary.
/// </summary>
public static class IndexWriter
{
    /// <summary>Writes the overview into <paramref name="directory"/>; each entry's folder is relative to it.</summary>
    public static string Write(string directory, string title, string description, IReadOnlyList<(string Folder, ExperimentSummary Summary)> experiments)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(experiments);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "summary.json"),
            SummaryJson.Serialize(new { Title = title, Experiments = experiments.Select(e => new { e.Folder, e.Summary }).ToList() }));
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title)).Append(" — Descent</title>\n<style>\n")
          .Append(Css).Append("</style>\n</head>\n<body>\n<main>\n<header><p class=\"kicker\">Descent · optimizer comparison</p><h1>")
          .Append(E(title)).Append("</h1><p class=\"meta\">").Append(E(description)).Append("</p></header>\n");
        sb.Append("<section class=\"verdict\"><h2>Verdicts</h2><ul>\n");
        foreach (var (folder, s) in experiments)
        {
            sb.Append("<li><b><a href=\"").Append(E(folder)).Append("/report.html\">").Append(E(s.Experiment)).Append("</a></b>: ").Append(E(s.Verdict)).Append("</li>\n");
        }

        sb.Append("</ul></section>\n");
        foreach (var (folder, s) in experiments)
        {
            sb.Append("<section><h2><a href=\"").Append(E(folder)).Append("/report.html\">").Append(E(s.Experiment)).Append("</a></h2>");
            sb.Append("<p class=\"meta\">Task <b>").Append(E(s.Task)).Append("</b> · budget <b>").Append(E(s.Budget)).Append("</b> · ")
              .Append(s.Seeds.Count).Append(" seeds · ").Append(s.RunsStored).Append(" runs").Append(s.Target is null ? "" : $" · target <b>{E(s.Target)}</b>").Append("</p>");
            sb.Append("<p>").Append(E(s.Verdict)).Append("</p><div class=\"grid\">");
            foreach (var png in new[] { "trajectories.png", "curves.png", "lr_sensitivity.png", "time_to_target.png" })
            {
                var path = Path.Combine(directory, folder, png);
                if (File.Exists(path))
                {
                    sb.Append("<img alt=\"").Append(png).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(File.ReadAllBytes(path))).Append("\">");
                }
            }

            sb.Append("</div><p class=\"note\">Full report with tables, statistics and all charts: <a href=\"").Append(E(folder)).Append("/report.html\">")
              .Append(E(folder)).Append("/report.html</a></p></section>\n");
        }

        sb.Append("</main>\n</body>\n</html>\n");
        var htmlPath = Path.Combine(directory, "report.html");
        File.WriteAllText(htmlPath, sb.ToString(), new UTF8Encoding(false));
        return htmlPath;
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private const string Css = """
        :root { --ink: #1d2433; --muted: #5b6478; --line: #e3e7ef; --accent: #2d5bd7; --bg: #f6f7fb; }
        body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.55 -apple-system, "Segoe UI", "DejaVu Sans", Roboto, Helvetica, Arial, sans-serif; }
        main { max-width: 1120px; margin: 0 auto; padding: 32px 28px 64px; }
        .kicker { text-transform: uppercase; letter-spacing: .12em; font-size: 12px; color: var(--accent); margin: 0 0 4px; font-weight: 600; }
        h1 { font-size: 30px; margin: 0 0 6px; }
        h2 { font-size: 19px; margin: 0 0 8px; }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        .meta { color: var(--muted); margin: 0 0 8px; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 20px 22px; margin: 18px 0; }
        .verdict { border-left: 5px solid var(--accent); background: #f2f5ff; }
        .verdict li { margin: 6px 0; }
        .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
        .grid img { width: 100%; border: 1px solid var(--line); border-radius: 6px; }
        .note { color: var(--muted); font-size: 13px; }
        """;
}
