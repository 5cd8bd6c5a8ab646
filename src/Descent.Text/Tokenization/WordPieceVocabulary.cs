namespace Descent.Text.Tokenization;

/// <summary>
/// A WordPiece vocabulary (one token per line, id = line number) and BERT's greedy longest-match-first split of a word
/// into pieces, continuation pieces prefixed with <c>##</c>; a word with no complete split, or longer than
/// <see cref="MaxCharactersPerWord"/>, becomes <see cref="UnknownToken"/> (as Hugging Face's <c>WordpieceTokenizer</c>).
/// </summary>
public sealed class WordPieceVocabulary
{
    /// <summary>The unknown token.</summary>
    public const string UnknownToken = "[UNK]";

    /// <summary>Words longer than this (in Unicode code points) become [UNK].</summary>
    public const int MaxCharactersPerWord = 100;

    private readonly Dictionary<string, int> ids;

    private WordPieceVocabulary(Dictionary<string, int> ids, int unknownId)
    {
        this.ids = ids;
        UnknownId = unknownId;
    }

    /// <summary>Number of tokens.</summary>
    public int Count => ids.Count;

    /// <summary>Id of [UNK].</summary>
    public int UnknownId { get; }

    /// <summary>Reads a vocabulary (UTF-8, one token per line; the stream is read, not disposed).</summary>
    /// <exception cref="InvalidDataException">The vocabulary is empty or lacks one of <paramref name="required"/>.</exception>
    public static WordPieceVocabulary Read(Stream stream, params string[] required)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        using var reader = new StreamReader(stream, leaveOpen: true);
        var line = 0;
        for (var token = reader.ReadLine(); token is not null; token = reader.ReadLine(), line++)
        {
            ids.TryAdd(token.TrimEnd('\r'), line);
        }

        foreach (var token in required.Append(UnknownToken))
        {
            if (!ids.ContainsKey(token))
            {
                throw new InvalidDataException($"the WordPiece vocabulary ({line} lines) has no token '{token}'; expected a BERT vocab.txt.");
            }
        }

        return new WordPieceVocabulary(ids, ids[UnknownToken]);
    }

    /// <summary>The id of <paramref name="token"/> (which must be in the vocabulary).</summary>
    public int this[string token] => ids[token];

    /// <summary>Appends the WordPiece ids of one pre-tokenized word.</summary>
    public void Encode(string word, List<int> output)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(output);
        if (word.EnumerateRunes().Count() > MaxCharactersPerWord)
        {
            output.Add(UnknownId);
            return;
        }

        var mark = output.Count;
        var lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[2 + (2 * MaxCharactersPerWord)];
        var start = 0;
        while (start < word.Length)
        {
            var found = -1;
            var end = word.Length;
            for (; end > start; end = PreviousBoundary(word, end))
            {
                var piece = Piece(word.AsSpan(start, end - start), continuation: start > 0, buffer);
                if (lookup.TryGetValue(piece, out found))
                {
                    break;
                }
            }

            if (end == start)
            {
                output.RemoveRange(mark, output.Count - mark);
                output.Add(UnknownId);
                return;
            }

            output.Add(found);
            start = end;
        }
    }

    private static ReadOnlySpan<char> Piece(ReadOnlySpan<char> chars, bool continuation, Span<char> buffer)
    {
        if (!continuation)
        {
            return chars;
        }

        buffer[0] = '#';
        buffer[1] = '#';
        chars.CopyTo(buffer[2..]);
        return buffer[..(chars.Length + 2)];
    }

    /// <summary>The end index one code point before <paramref name="end"/> (a surrogate pair is one character, as in Python).</summary>
    private static int PreviousBoundary(string word, int end) =>
        end >= 2 && char.IsLowSurrogate(word[end - 1]) && char.IsHighSurrogate(word[end - 2]) ? end - 2 : end - 1;
}
