using Microsoft.AspNetCore.Http;

namespace Mandate.ResourceServer;

/// <summary>The credential in <c>Authorization: Bearer|DPoP &lt;token&gt;</c> (RFC 6750 §2.1, RFC 9449 §7.1).</summary>
internal sealed record PresentedCredential(string Scheme, string Token)
{
    public const string Bearer = "Bearer";
    public const string Dpop = "DPoP";

    /// <summary>Mandate credentials are short JWTs; anything longer is refused before parsing.</summary>
    public const int MaxTokenLength = 16 * 1024;

    public bool IsDpop => Scheme == Dpop;

    /// <summary>
    /// Null when the request carries no Bearer/DPoP credential (another scheme is not ours to judge);
    /// throws <see cref="MandateTokenFailure"/> when it carries a malformed one.
    /// </summary>
    public static PresentedCredential? Read(HttpRequest request)
    {
        var headers = request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return null;
        }

        string? scheme = null;
        string? token = null;
        foreach (var value in headers)
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
                throw MandateTokenFailure.Request("send exactly one credential in one Authorization header");
            }

            scheme = known;
            token = space < 0 ? "" : value![(space + 1)..].Trim();
        }

        if (scheme is null)
        {
            return null;
        }

        if (token!.Length == 0 || token.Length > MaxTokenLength || !IsToken68(token))
        {
            throw MandateTokenFailure.Request($"the {scheme} credential is empty, too long or not token68 (RFC 6750 section 2.1); send 'Authorization: {scheme} <credential from the broker>'");
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
