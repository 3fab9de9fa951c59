using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mandate.ResourceServer;

/// <summary>
/// Turns a refusal by a Mandate requirement into RFC 6750 §3.1 <c>403 insufficient_scope</c> that says what was
/// missing; every other outcome goes to ASP.NET Core's default handling.
/// </summary>
internal sealed class MandateAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailureReasons.OfType<MandateAuthorizationFailure>().FirstOrDefault() is { } reason
            && context.User.MandateIdentity()?.AuthenticationType is { } scheme)
        {
            var options = context.RequestServices.GetRequiredService<IOptionsMonitor<MandateTokenOptions>>().Get(scheme);
            return MandateChallenge.WriteAsync(context, options, StatusCodes.Status403Forbidden, MandateTokenFailure.InsufficientScope, reason.Message, reason.Scope);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
