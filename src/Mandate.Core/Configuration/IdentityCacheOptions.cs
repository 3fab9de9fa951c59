namespace Mandate.Core.Configuration;

/// <summary>
/// <c>identity_cache:</c> how many validated identity tokens (actor JWT-SVIDs, user tokens) are remembered so a
/// token presented again is not signature-verified again. An entry never outlives its token's <c>exp</c> nor
/// <see cref="MaxAge"/>; only successful validations are kept.
/// </summary>
public sealed record IdentityCacheOptions
{
    /// <summary>Most tokens remembered at once; the soonest to expire are dropped first. 0 disables the cache. Default 10000.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>
    /// Longest an entry is served, whatever its token's <c>exp</c>; also how long a key removed from an issuer's
    /// JWKS by a file or URL the broker has not yet re-read can keep vouching for a remembered token. Default 5 minutes.
    /// </summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether the cache is on.</summary>
    public bool Enabled => MaxEntries > 0 && MaxAge > TimeSpan.Zero;
}
