namespace Mandate.Server.Admin;

/// <summary>Body of POST /admin/entries; TTLs are durations such as <c>1h</c> or <c>90s</c>.</summary>
public sealed record CreateEntryRequest(string? SpiffeId, IReadOnlyList<string>? Selectors, string? X509Ttl, string? JwtTtl, string? By);
