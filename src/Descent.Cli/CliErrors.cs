using System.CommandLine;
using System.CommandLine.Parsing;

namespace Descent.Cli;

/// <summary>Turns exceptions escaping a command into a one-line message on standard error and a non-zero
/// exit code. Set the environment variable <c>DESCENT_DEBUG=1</c> to get the full stack trace as well.
/// Everything written passes through <see cref="Printable"/>, so control characters quoted from user files
/// or arguments reach the terminal escaped.</summary>
public static class CliErrors
{
    /// <summary>Runs <paramref name="body"/>; an exception becomes "error: message" and <see cref="ExitCodes.Error"/>.</summary>
    public static int Guard(CliContext context, Func<int> body)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return body();
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex)
        {
            context.Error.WriteLine($"error: {Describe(ex)}");
            if (Environment.GetEnvironmentVariable("DESCENT_DEBUG") == "1")
            {
                context.Error.WriteLine(Printable.EscapeKeepingLines(ex.ToString()));
            }

            return ExitCodes.Error;
        }
    }

    /// <summary>Writes every parse error of <paramref name="parse"/> ("error: …") and a pointer to the help
    /// of the command that was being parsed; returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int ReportParseErrors(CliContext context, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parse);
        foreach (var error in parse.Errors)
        {
            context.Error.WriteLine($"error: {Printable.EscapeKeepingLines(NamingTheOption(error))}");
        }

        var names = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is CommandResult c; r = c.Parent)
        {
            names.Insert(0, c.Command.Name);
        }

        context.Error.WriteLine($"Run '{string.Join(' ', names)} --help' for usage.");
        return ExitCodes.Usage;
    }

    /// <summary>The message of <paramref name="error"/> without .NET type names (<see cref="WithoutTypeNames"/>), led by the
    /// option it concerns when the message does not name it ("Argument 'all' not recognized. Must be one of …" becomes
    /// "--transfer: Argument 'all' not recognized. …").</summary>
    public static string NamingTheOption(ParseError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = WithoutTypeNames(error.Message);
        var option = error.SymbolResult switch
        {
            OptionResult o => o.Option.Name,
            ArgumentResult { Parent: OptionResult o } => o.Option.Name,
            _ => null,
        };
        return option is null || message.Contains(option, StringComparison.Ordinal) ? message : $"{option}: {message}";
    }

    /// <summary>A System.CommandLine parse error without .NET type names: "Cannot parse argument 'x' for option
    /// '--resume' as expected type 'System.Boolean'." becomes "… as expected: true or false."</summary>
    public static string WithoutTypeNames(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return System.Text.RegularExpressions.Regex.Replace(message, @"as expected type '(System\.)?(Nullable`1\[)?(System\.)?(?<type>\w+)\]?'",
            m => "as expected: " + m.Groups["type"].Value switch
            {
                "Boolean" => "true or false",
                "Int32" or "Int64" or "UInt64" or "UInt32" => "a whole number",
                "Double" or "Single" or "Decimal" => "a number",
                _ => "a value of another kind",
            });
    }

    /// <summary>The message of <paramref name="ex"/> and its inner exceptions as one printable sentence
    /// (<see cref="Printable.Describe"/>).</summary>
    public static string Describe(Exception ex) => Printable.Describe(ex);
}
