namespace Descent;

/// <summary>A saved <see cref="Rng"/> state.</summary>
public sealed record RngState(ulong Seed, ulong S0, ulong S1, ulong S2, ulong S3, bool HasCachedNormal, double CachedNormal);
