using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using Mandate.SenderConstraint;
using Mandate.Server.Http;
using Mandate.Server.SenderConstraint;
using Microsoft.AspNetCore.Http;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Server.Endpoints;

/// <summary>
/// POST /oauth2/token: parses the request once (form, client certificate, DPoP proof) into a
/// <see cref="TokenRequest"/>, hands it to the grant that takes it, and writes the answer.
/// </summary>
public static class TokenEndpoint
{
    public const string Path = "/oauth2/token";

    public static async Task HandleAsync(HttpContext http, GrantDispatcher grants, TokenRequestBinding binding)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(binding);
        if (FormReader.ParameterInQuery(http.Request) is { } inQuery)
        {
            await OAuthResponses.WriteErrorAsync(http, inQuery);
            return;
        }

        var (form, formError, status) = await FormReader.ReadAsync(http.Request, http.RequestAborted, SeveralTargets);
        if (formError is not null || form is null)
        {
            await OAuthResponses.WriteErrorAsync(http, formError ?? FormChecks.MalformedBody.Refuse("the request body is not a form"), status);
            return;
        }

        if (TokenClientAuthentication.Refusal(http.Request, form) is var (unsupported, challenge))
        {
            await OAuthResponses.WriteErrorAsync(http, unsupported, challenge: challenge);
            return;
        }

        var (sender, bindingError, nonce) = await binding.ReadAsync(http, http.RequestAborted);
        if (bindingError is not null)
        {
            if (nonce is not null)
            {
                http.Response.Headers[ConfirmationNames.DpopNonceHeader] = nonce;
            }

            await OAuthResponses.WriteErrorAsync(http, bindingError);
            return;
        }

        // A store outage escaping the grant is answered by the host's StoreOutages: nothing was issued (invariant 2).
        var result = await grants.DispatchAsync(new TokenRequest(form, sender), http.RequestAborted);
        if (result.Failed(out var error, out var response))
        {
            await OAuthResponses.WriteErrorAsync(http, error);
            return;
        }

        await WriteTokenAsync(http, response);
    }

    /// <summary>
    /// RFC 8693 §2.1 and RFC 8707 §2 let a request name several targets (resource or audience more than once); a Mandate
    /// credential is for exactly one tool, so that is the target error (RFC 8693 §2.2.2), not a malformed request.
    /// </summary>
    private static OAuthError? SeveralTargets(string name) => name is P.Resource or P.Audience
        ? RequestChecks.TargetRepeated.Refuse($"{name} appears more than once: a credential is for exactly one tool; send one resource (or audience) per request and exchange again for another tool")
        : null;

    private static async Task WriteTokenAsync(HttpContext http, TokenResponse r)
    {
        // RFC 8693 §2.2.1 response fields.
        await OAuthResponses.WriteJsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteString("access_token", r.AccessToken);
            w.WriteString("issued_token_type", r.IssuedTokenType);
            w.WriteString("token_type", r.TokenType);
            w.WriteNumber("expires_in", r.ExpiresIn);
            w.WriteString("scope", r.Scope);
        });
    }
}
