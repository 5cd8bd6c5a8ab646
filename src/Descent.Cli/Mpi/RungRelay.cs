using System.Globalization;
using Descent.Lab.Store;

namespace Descent.Cli.Mpi;

/// <summary>
/// The early-stopping rungs of a data-parallel run, relayed over the standard streams between rank 0 of its MPI job and the
/// parent <c>descent compare</c> or <c>worker</c> that owns the run store (<c>mpirun</c> forwards its standard input to rank 0
/// and every rank's output to its own): rank 0 writes <c>descent-rung RUNG VALUE</c> on one line, and the parent records the
/// value in its store (<see cref="Serve"/>) and answers <c>descent-rung-values COUNT V1 … VCOUNT</c> with the values other runs
/// recorded at that rung before. So the store is only ever touched by the parent, whatever its backend.
/// </summary>
internal sealed class RungRelay(TextReader fromParent, TextWriter toParent) : IRungStore
{
    /// <summary>The first word of a request line.</summary>
    public const string Request = "descent-rung";

    /// <summary>The first word of a reply line.</summary>
    public const string Reply = "descent-rung-values";

    /// <inheritdoc />
    public IReadOnlyList<double> RecordRung(string runKey, int rung, double value)
    {
        toParent.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Request} {rung} {value:R}"));
        toParent.Flush();
        var line = fromParent.ReadLine()
                   ?? throw new IOException("the parent descent process closed the early-stopping relay (standard input) before answering");
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2 || words[0] != Reply || !int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || words.Length != count + 2)
        {
            throw new InvalidDataException($"the early-stopping relay expected '{Reply} COUNT VALUES…', got '{Printable.Escape(line)}'");
        }

        return [.. words.Skip(2).Select(w => double.Parse(w, NumberStyles.Float, CultureInfo.InvariantCulture))];
    }

    /// <summary>The parent's side: when <paramref name="line"/> (from rank 0's output) is a request, records its value for
    /// <paramref name="runKey"/> in <paramref name="store"/>, writes the reply to <paramref name="toChild"/> and returns true;
    /// returns false for any other line.</summary>
    public static bool Serve(string line, string runKey, IRungStore store, TextWriter toChild)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(toChild);
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 3 || words[0] != Request
            || !int.TryParse(words[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var rung)
            || !double.TryParse(words[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var others = store.RecordRung(runKey, rung, value);
        toChild.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Reply} {others.Count}{string.Concat(others.Select(v => string.Create(CultureInfo.InvariantCulture, $" {v:R}")))}"));
        toChild.Flush();
        return true;
    }
}
