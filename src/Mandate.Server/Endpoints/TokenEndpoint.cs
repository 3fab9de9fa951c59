using Mandate.Core.Approvals;
using Mandate.Core.Exchange;
using Mandate.Core.Protocol;
using Mandate.SenderConstraint;
using Mandate.Server.Http;
using Mandate.Server.SenderConstraint;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Endpoints;

/// <summary>POST /oauth2/token: RFC 8693 token exchange.</summary>
public static class TokenEndpoint
{
    public const string Path = "/oauth2/token";

    public static async Task HandleAsync(HttpContext http, TokenExchangeHandler handler, ApprovalPollHandler polls, TokenRequestBinding binding)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(handler);
        var (form, formError, status) = await FormReader.ReadAsync(http.Request, http.RequestAborted);
        if (formError is not null)
        {
            await OAuthResponses.WriteErrorAsync(http, formError, status);
            return;
        }

        var parameters = form!;
        if (parameters.GetValueOrDefault(OAuthConstants.Parameters.GrantType) == OAuthConstants.GrantTypes.Ciba)
        {
            ArgumentNullException.ThrowIfNull(polls);
            var (response, error) = await polls.HandleAsync(parameters, http.RequestAborted);
            await (error is not null ? OAuthResponses.WriteErrorAsync(http, error) : WriteTokenAsync(http, response!));
            return;
        }

        ArgumentNullException.ThrowIfNull(binding);
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

        var context = await handler.HandleAsync(new TokenExchangeRequest(parameters) { Binding = sender }, http.RequestAborted);
        if (context.Error is not null)
        {
            await OAuthResponses.WriteErrorAsync(http, context.Error);
            return;
        }

        await WriteTokenAsync(http, context.Response!);
    }

    private static async Task WriteTokenAsync(HttpContext http, TokenExchangeResponse r)
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
