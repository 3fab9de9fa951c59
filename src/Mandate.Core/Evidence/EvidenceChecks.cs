using Mandate.Core.Protocol;

namespace Mandate.Core.Evidence;

/// <summary>The refusals of <c>POST /evidence</c>: the poster's bearer identity (RFC 6750 §3.1) and the body.</summary>
public static class EvidenceChecks
{
    /// <summary>401: no <c>Authorization: Bearer</c> identity token.</summary>
    public static readonly Check TokenMissing = new("evidence.token_missing", "invalid_token");

    /// <summary>403: the token's issuer is not an issuer of kind <c>ci</c>.</summary>
    public static readonly Check IssuerNotTrusted = new("evidence.issuer_not_trusted", "insufficient_scope");

    /// <summary>401: the identity token did not attest (signature, expiry, audience...).</summary>
    public static readonly Check TokenInvalid = new("evidence.token_invalid", "invalid_token");

    /// <summary>403: the subject is none the poster's issuer lets its tokens vouch for (issuers[].evidence_subjects).</summary>
    public static readonly Check SubjectNotAllowed = new("evidence.subject_not_allowed", "insufficient_scope");

    /// <summary>403: the token lacks a claim an evidence_subjects template reads, so no subject can be checked against it.</summary>
    public static readonly Check SubjectClaimMissing = new("evidence.subject_claim_missing", "insufficient_scope");

    /// <summary>400: the body is not a JSON object, or a member is missing or out of bounds.</summary>
    public static readonly Check BodyInvalid = new("evidence.body_invalid", OAuthConstants.Errors.InvalidRequest);
}
