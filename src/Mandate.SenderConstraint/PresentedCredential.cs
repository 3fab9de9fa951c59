namespace Mandate.SenderConstraint;

/// <summary>
/// The credential in <c>Authorization: Bearer|DPoP &lt;token&gt;</c> (RFC 6750 §2.1, RFC 9449 §7.1), read one way by
/// resource servers, the egress proxy and the MCP gateway, so a request one of them refuses as malformed is refused
/// the same way by the others.
/// </summary>
public sealed record PresentedCredential(string Scheme, string Token)
{
    /// <summary>The RFC 6750 scheme.</summary>
    public const string Bearer = "Bearer";

    /// <summary>The RFC 9449 scheme.</summary>
    public const string Dpop = "DPoP";

    /// <summary>Mandate credentials are short JWTs; anything longer is refused before parsing.</summary>
    public const int MaxTokenLength = 16 * 1024;

    /// <summary>Whether it came as <c>Authorization: DPoP</c>.</summary>
    public bool IsDpop => Scheme == Dpop;

    /// <summary>
    /// Reads every value of the request's <c>Authorization</c> header (none when absent). Null with a null
    /// <paramref name="invalidRequest"/> when no value carries a Bearer or DPoP credential (another scheme is not ours
    /// to judge). Null with the reason (client-safe, never the token) when the request is malformed: more than one
    /// Bearer/DPoP credential, or one that is empty, too long or not token68; RFC 6750 §3.1 answers that with
    /// <c>invalid_request</c> and HTTP 400.
    /// </summary>
    public static PresentedCredential? Read(IReadOnlyList<string?> authorization, out string? invalidRequest)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        invalidRequest = null;
        string? scheme = null;
        var token = "";
        foreach (var value in authorization)
        {
            var space = value?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
            var name = space < 0 ? value : value![..space];
            // RFC 9110 §11.1: auth schemes are case-insensitive.
            var known = string.Equals(name, Bearer, StringComparison.OrdinalIgnoreCase) ? Bearer
                : string.Equals(name, Dpop, StringComparison.OrdinalIgnoreCase) ? Dpop : null;
            if (known is null)
            {
                continue;
            }

            if (scheme is not null)
            {
                // RFC 6750 §3.1: more than one method of presenting a credential is invalid_request.
                invalidRequest = "send exactly one credential in one Authorization header";
                return null;
            }

            scheme = known;
            token = space < 0 ? "" : value![(space + 1)..].Trim();
        }

        if (scheme is null)
        {
            return null;
        }

        if (token.Length == 0 || token.Length > MaxTokenLength || !IsToken68(token))
        {
            invalidRequest = $"the {scheme} credential is empty, too long or not token68 (RFC 6750 section 2.1); send 'Authorization: {scheme} <credential from the broker>'";
            return null;
        }

        return new PresentedCredential(scheme, token);
    }

    private static bool IsToken68(string token)
    {
        var end = token.Length;
        while (end > 0 && token[end - 1] == '=')
        {
            end--;
        }

        for (var i = 0; i < end; i++)
        {
            var c = token[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/'))
            {
                return false;
            }
        }

        return end > 0;
    }
}
