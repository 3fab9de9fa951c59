namespace Mandate.Server.WorkloadApi;

/// <summary>What a workload may ask a JWT-SVID to be addressed to, on either workload API.</summary>
internal static class JwtSvidAudience
{
    public const int MaxLength = 1024;

    /// <summary>
    /// True for a StringOrURI (RFC 7519 §2): a value holding ':' must be an absolute URI; no control characters reach
    /// the token or the audit trail; not blank, at most <see cref="MaxLength"/> characters.
    /// </summary>
    public static bool IsValid(string? audience) =>
        audience is { Length: > 0 and <= MaxLength } && !string.IsNullOrWhiteSpace(audience) && !audience.Any(char.IsControl)
        && (!audience.Contains(':', StringComparison.Ordinal) || Uri.IsWellFormedUriString(audience, UriKind.Absolute));
}
