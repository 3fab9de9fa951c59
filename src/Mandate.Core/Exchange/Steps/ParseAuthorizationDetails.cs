using System.Text.RegularExpressions;
using Mandate.Core.AuthorizationDetails;
using Mandate.Core.Protocol;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Validates <c>authorization_details</c> (RFC 9396) against the tool's declared types, and the
/// <c>evidence_subject</c> the request works on; both become policy input.
/// </summary>
public sealed partial class ParseAuthorizationDetails : IExchangeStep
{
    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        if (context.Request[P.AuthorizationDetails] is { } json)
        {
            if (context.Tool is null)
            {
                context.Reject(new OAuthError(OAuthConstants.Errors.InvalidAuthorizationDetails, "authorization_details apply to a credential for one tool; a run-token request cannot carry them"));
                return ValueTask.CompletedTask;
            }

            var (details, error) = AuthorizationDetailsParser.Parse(json, context.Tool);
            if (error is not null)
            {
                // RFC 9396 §5: unknown types or malformed objects are invalid_authorization_details.
                context.Reject(new OAuthError(OAuthConstants.Errors.InvalidAuthorizationDetails, error));
                return ValueTask.CompletedTask;
            }

            context.AuthorizationDetails = details!;
        }

        if (context.Request[P.EvidenceSubject] is { } subject)
        {
            if (!SubjectPattern().IsMatch(subject))
            {
                context.Reject(OAuthError.InvalidRequest("evidence_subject must be 1-256 printable characters without spaces, e.g. acme/shop@4f2a9c1"));
                return ValueTask.CompletedTask;
            }

            context.EvidenceSubject = subject;
        }

        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"^[\x21-\x7E]{1,256}$")]
    internal static partial Regex SubjectPattern();
}
