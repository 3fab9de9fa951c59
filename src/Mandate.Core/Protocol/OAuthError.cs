namespace Mandate.Core.Protocol;

/// <summary>
/// An RFC 6749 §5.2 error as data. <see cref="Description"/> is client-safe: it names the check that
/// refused and what would make it pass, and never echoes token contents. The host picks the HTTP status.
/// Create refusals through a <see cref="Check"/> so each carries its stable <see cref="CheckId"/>.
/// </summary>
public sealed record OAuthError(string Error, string Description)
{
    /// <summary>The stable id of the check that refused (see <see cref="Check"/>); sent to the client as <c>check_id</c>.</summary>
    public string? CheckId { get; init; }

    /// <summary>Server-only detail (e.g. the validation library's reason) for logs and the audit record; never sent.</summary>
    public string? Detail { get; init; }

    /// <summary>Further response members, e.g. CIBA's <c>auth_req_id</c>, <c>expires_in</c> and <c>interval</c> (string or int values).</summary>
    public IReadOnlyDictionary<string, object>? Extra { get; init; }
}
