namespace Mandate.Core.Protocol;

/// <summary>
/// One entry of the error catalogue: a stable check id (<c>attest.agent_disabled</c>) and the RFC 6749 §5.2 code
/// it answers with. Each stage keeps its checks in one constants class; callers, the proxy and tests switch on
/// <see cref="Id"/>, never on the wording of a description.
/// </summary>
public sealed record Check(string Id, string Error)
{
    /// <summary>
    /// The refusal: <paramref name="hint"/> is client-safe (names the rule and the fix), <paramref name="detail"/> is for logs
    /// and audit only. A token either repeats from the request is redacted (<see cref="TokenRedaction"/>).
    /// </summary>
    public OAuthError Refuse(string hint, string? detail = null) =>
        new(Error, TokenRedaction.Redact(hint)) { CheckId = Id, Detail = detail is null ? null : TokenRedaction.Redact(detail) };
}
