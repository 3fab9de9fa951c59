using Mandate.Core.Approvals;
using Mandate.Core.Attestation;
using Mandate.Core.Protocol;

namespace Mandate.Core.Grants;

/// <summary>
/// The whom of an approval poll. Without a subject_token the poll collects what its agent asked for; with one, the
/// token is attested as at the exchange (signature, expiry, may_act, revocations, a run token's holder) and must name
/// the user, tenant and run the approval was asked for, so a poll never collects for someone else.
/// </summary>
internal static class ApprovalPollSubject
{
    /// <summary>Null when the poll names no subject, or the same subject as <paramref name="approval"/>; else the refusal.</summary>
    public static async Task<OAuthError?> RefusalAsync(AttestStage attest, TokenRequest request, AttestedActor actor, Approval approval, CancellationToken cancellationToken)
    {
        if (request.SubjectToken is null && request.SubjectTokenType is null)
        {
            return null;
        }

        // RFC 8693 §2.1, as at the exchange: subject_token and subject_token_type come together; an empty value counts as absent.
        if (string.IsNullOrEmpty(request.SubjectToken) || string.IsNullOrEmpty(request.SubjectTokenType))
        {
            return RequestChecks.SubjectTokenMissing.Refuse("send subject_token together with subject_token_type, or neither: a poll collects for the subject its request was made for");
        }

        if (ExchangeParameters.SubjectTokenTypeRefusal(request.SubjectTokenType) is { } badType)
        {
            return badType;
        }

        if ((await attest.SubjectAsync(request, actor, cancellationToken)).Failed(out var error, out var subject))
        {
            return error;
        }

        var run = subject.Run?.Run;
        var sameUser = string.Equals(subject.User?.Subject, approval.User, StringComparison.Ordinal);
        var sameTenant = (subject.User?.Tenant ?? run?.Tenant) is not { } tenant || string.Equals(tenant, approval.Tenant, StringComparison.Ordinal);
        var sameRun = run is null || string.Equals(run.Id, approval.Run, StringComparison.Ordinal);

        // A subject is an issuer and a subject: the same sub from another trusted issuer is another person.
        var sameIssuer = approval.UserIssuer is null || run is not null || string.Equals(subject.User?.Issuer, approval.UserIssuer, StringComparison.Ordinal);
        return sameUser && sameTenant && sameRun && sameIssuer
            ? null
            : ApprovalChecks.SubjectDiffers.Refuse($"subject_token names another user, issuer, tenant or run than approval '{approval.Id}' was asked for " +
                $"({(approval.User is null ? "background work" : "a user")} in tenant '{approval.Tenant}'); poll with the subject_token of the request that asked for it, or without one");
    }
}
